/**
 * A partial queue: some stories of a file, each read alone from its table row (`read/rows.ts`
 * readRowAlone), placed where the full read places it, in a queue whose document is the whole
 * file. What a write that touches a few rows needs to decide, apply, prove and judge its edit with
 * the same code as on a queue read in full (`edit/`, `rules/`, `reconcile/`), without reading every
 * row: the caller (`app/indexed-write.ts`) knows from the queue index which rows read alone and how
 * the full read resolved their dependencies, and supplies what a write learns from the whole file
 * ({@link WholeFile}) and the whole file's diagnostics. Pure.
 *
 * Only the stories given are in the queue and its graph: a story's dependency on a story left out
 * reads as unknown. The caller gives every story the write's decision reads (the story a claim
 * takes, and its dependencies).
 */
import type { Vocabulary } from '../domain/config.js';
import type { DependencyRef, Diagnostic, Story } from '../domain/types.js';
import { LineIndex } from '../markdown/lines.js';
import { QueueGraph } from '../model/graph.js';
import type { TableInfo } from '../dialect/entries.js';
import type { Queue, QueueDocument, WholeFile } from './queue.js';
import { moveOccurrence } from './patch.js';
import { carryRows, readRowAlone } from './rows.js';

/** One row of a partial queue: where it is, and what the full read made of its place. */
export interface PartialRow {
  /** 1-based line of the row. */
  line: number;
  /** 0-based line of its table's header (one of {@link PartialSource.tables}). */
  head: number;
  /** The id each written dependency resolved to in the full read, in written order (null: none of
   * the queue's); null to leave them unresolved (a story whose dependencies the write does not read). */
  deps: Array<string | null> | null;
}

/** What {@link partialQueue} reads. */
export interface PartialSource {
  file: string;
  /** The whole file: UTF-8, no byte order mark, no `\r` (a file whose rows read alone). */
  text: string;
  /** The rows, in file order. */
  rows: PartialRow[];
  /** The story table of each row, by the 0-based line of its header: its heading path (outermost
   * first), its number of body rows, and the 1-based line of its last. */
  tables: ReadonlyMap<number, { sectionPath: string[]; rows: number; lastLine: number }>;
  whole: WholeFile;
  /** The status words the file declares (`QueueDocument.declared`). */
  declared: readonly string[];
  /** Every diagnostic of the whole file, in `read/queue.ts` compareDiagnostics order. */
  diagnostics: Diagnostic[];
  vocabulary?: Vocabulary;
}

/**
 * The partial queue of `src`'s rows, or null when a row does not read alone as one story with
 * only its own diagnostics, or its written dependencies are not as many as `deps` says.
 */
export async function partialQueue(src: PartialSource): Promise<Queue | null> {
  const lines = new LineIndex(src.text);
  const opts = src.vocabulary ? { vocabulary: src.vocabulary } : {};
  const alone = (head: number, line: number) =>
    head >= 0 && head + 1 < line - 1 && line <= lines.count ? readRowAlone(lines.line(head), lines.line(head + 1), lines.line(line - 1), src.file, line, opts, true) : null;
  const stories: Story[] = [];
  const tables = new Map<number, TableInfo>();
  let lexicon: QueueDocument['lexicon'];
  for (const row of src.rows) {
    const t = src.tables.get(row.head);
    const r = t ? await alone(row.head, row.line) : null;
    if (!t || !r) return null;
    const s = r.story;
    let deps: DependencyRef[] = s.deps.map((d) => ({ ...d, id: null }));
    if (row.deps) {
      if (row.deps.length !== s.deps.length) return null;
      deps = s.deps.map((d, k) => ({ ...d, id: row.deps![k] }));
    }
    const o = { ...moveOccurrence(s.occurrences[0], lines.starts[row.line - 1] - r.rowStart), line: row.line };
    stories.push({ ...s, deps, sectionPath: t.sectionPath, line: row.line, occurrences: [o] });
    lexicon ??= r.lexicon;
    if (!tables.has(row.head)) {
      // The table as the full read gives it: its last row's reading, and where it ends.
      const last = t.lastLine === row.line ? r : await alone(row.head, t.lastLine);
      if (!last) return null;
      tables.set(row.head, { ...last.table, sectionPath: t.sectionPath, line: row.head + 1, rows: t.rows, end: lines.ends[t.lastLine - 1] });
    }
  }
  const doc: QueueDocument = {
    file: src.file,
    text: src.text,
    bom: 0,
    readPath: 'scan',
    editable: true,
    tables: [...tables.values()],
    headings: [],
    declared: src.declared,
    whole: src.whole,
    ...(lexicon ? { lexicon } : {}),
  };
  const queue: Queue = {
    documents: [doc],
    stories,
    graph: QueueGraph.from(stories),
    diagnostics: src.diagnostics,
    ...(src.vocabulary ? { vocabulary: src.vocabulary } : {}),
  };
  // Each of its rows reads alone, under its table's header (`read/patch.ts` patches them).
  carryRows(
    queue,
    Int32Array.from(src.rows, (r) => r.head),
  );
  return queue;
}

/** Whether `queue` is a partial queue ({@link partialQueue}): it holds only some of its file's stories. */
function isPartial(queue: Queue): boolean {
  return queue.documents.some((d) => d.whole !== undefined);
}

/** `queue` itself, or for a partial queue the queue its file reads as in full (its document's text is
 * the whole file): for what needs every story, such as which story a handoff names. */
export async function wholeQueue(queue: Queue): Promise<Queue> {
  if (!isPartial(queue)) return queue;
  const { readQueue } = await import('./queue.js');
  return readQueue(
    queue.documents.map((d) => ({ file: d.file, text: d.text })),
    queue.vocabulary ? { vocabulary: queue.vocabulary } : {},
  );
}
