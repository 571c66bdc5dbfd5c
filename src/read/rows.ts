/**
 * Rows read alone: what the queue index (`app/index-cache.ts`) needs to answer the first read after
 * a small edit (a claim, a done, a title) without reading the whole file again. Pure.
 *
 * A row of a story table is read by itself, as the one body row of a document made of its table's
 * header line, delimiter line and the row, with the same {@link readQueue} a full read uses. That
 * gives the row's story exactly as the full read does only where nothing outside the row bears on
 * it; {@link patchableRows} says which rows those are, from a full read, by conditions each of which
 * rules out one way the rest of the document reaches into a row:
 * - the document: one file, read by the scanner (remark read at most some cells' inline text, each
 *   alone, charged to the parse budget: a new row must be read by the scanner alone, so that an edit
 *   never spends more of it), no conflict markers, no byte order mark, no `\r`, not read from bytes that are not UTF-8, no
 *   `]:` anywhere (link and footnote definitions change inline text everywhere), no legend heading
 *   or legend table (a legend teaches status words), no heading-block story;
 * - the table: at the root (its header, delimiter and row lines start with `|`), a story table whose
 *   column roles all come from its header (status and id named, and a priority column named or no
 *   column without a role: then the cells decide nothing, `dialect/columns.ts` inferRoles), and a
 *   header that no legend reads (`dialect/vocabulary.ts` legendRows);
 * - the story: written once (a single occurrence, a table row), with an id of its own (not derived
 *   from its section and title), neither a parent nor a child.
 * The caller still checks the result against what the full read stored for the row's old text
 * before it trusts the row's new text (`app/index-cache.ts` patchIndex).
 */
import { assignRoles } from '../dialect/columns.js';
import { isLegendHeading, legendRows } from '../dialect/vocabulary.js';
import type { RawTable } from '../markdown/blocks.js';
import type { ReadPath } from '../markdown/read.js';
import type { TableInfo } from '../dialect/entries.js';
import { LineIndex } from '../markdown/lines.js';
import type { Diagnostic, Story } from '../domain/types.js';
import { compareDiagnostics, readQueue, type Queue, type QueueDocument, type ReadOptions } from './queue.js';

/** A diff3 base marker a row could become (`|||||||`). */
const PIPE_MARKER = /^\|{7}(?:[ \t].*)?$/;

/**
 * Whether the new text of a changed line can still be a row read alone: it starts with `|`, is no
 * conflict marker, and holds no `]:` (a link definition changes inline text everywhere) and no `\r`.
 */
export function couldReadAlone(line: string): boolean {
  return line.charCodeAt(0) === 124 && !PIPE_MARKER.test(line) && !line.includes(']:') && !line.includes('\r');
}

/**
 * `diagnostics` (in {@link compareDiagnostics} order) with the row diagnostics ({@link ROW_CODES})
 * at `lines` replaced by `rows`, each where a full read sorts it: after what sorts before it,
 * before what sorts the same (a story's own diagnostics, which a full read adds later).
 */
export function withRowDiagnostics(diagnostics: readonly Diagnostic[], lines: ReadonlySet<number>, rows: readonly Diagnostic[]): Diagnostic[] {
  const add = [...rows].sort(compareDiagnostics);
  const out: Diagnostic[] = [];
  let r = 0;
  for (const d of diagnostics) {
    if (lines.has(d.line) && ROW_CODES.has(d.code)) continue;
    while (r < add.length && compareDiagnostics(add[r], d) <= 0) out.push(add[r++]);
    out.push(d);
  }
  while (r < add.length) out.push(add[r++]);
  return out;
}

/** Codes of the diagnostics a story table's row gives by itself (`dialect/entries.ts` readTable). */
export const ROW_CODES: ReadonlySet<string> = new Set(['uneven_row', 'shifted_row', 'empty_status', 'unknown_status']);
/** The column roles whose cells say something about their own row only. */
const KNOWN_ROLES: ReadonlySet<string> = new Set(['status', 'id', 'title', 'deps', 'owner', 'storyFile', 'priority', 'effort', 'wave']);
/** Codes of the diagnostics a story's dependencies give (`model/build.ts`, the graph's cycles). */
const DEPENDENCY_CODES: ReadonlySet<string> = new Set(['unknown_dependency', 'ambiguous_dependency', 'self_dependency', 'stale_done_mark', 'cycle']);

/** {@link patchableRows} of the queues it was worked out for, or carried to ({@link carryRows}). */
const known = new WeakMap<Queue, Int32Array | null>();

/**
 * For each story of a queue read in full (in file order), the 0-based line of its table's header
 * when its row can be read alone (the conditions above), else -1; null when no row of the document
 * can. Worked out once per queue: the caller must not change what it returns.
 */
export function patchableRows(queue: Queue): Int32Array | null {
  let rows = known.get(queue);
  if (rows === undefined) {
    rows = rowsReadAlone(queue);
    known.set(queue, rows);
  }
  return rows;
}

/**
 * Record `rows` as {@link patchableRows} of `queue`: for a queue made from another by re-reading
 * only rows that read alone (`read/patch.ts`), whose rows read alone exactly where the other's do.
 */
export function carryRows(queue: Queue, rows: Int32Array | null): void {
  known.set(queue, rows);
}

/** {@link patchableRows}, worked out. */
export function rowsReadAlone(queue: Queue): Int32Array | null {
  if (queue.documents.length !== 1) return null;
  const doc = queue.documents[0];
  const text = doc.text;
  if ((doc.readPath !== 'scan' && doc.readPath !== 'scan+inline') || !doc.editable || doc.source || doc.bom !== 0 || doc.cr || text.includes('\r') || text.includes(']:'))
    return null;
  if (doc.headings.some((h) => isLegendHeading(h.text))) return null;
  if (queue.diagnostics.some((d) => d.code === 'legend')) return null;
  if (hasHeadingStory(queue.stories)) return null;
  const lines = new LineIndex(text);
  const startsWithPipe = (i: number) => i >= 0 && i < lines.count && text.charCodeAt(lines.starts[i]) === 124;
  // Story tables whose rows can be read alone: [header line (0-based), end offset].
  const tables: Array<[number, number]> = [];
  for (const t of doc.tables) {
    if (t.kind !== 'story') continue;
    const h = t.line - 1;
    if (!startsWithPipe(h) || !startsWithPipe(h + 1)) continue;
    const roles = assignRoles(t.headers, doc.lexicon?.columns);
    const c = t.columns;
    const same =
      roles.length === t.headers.length &&
      c.status === roles.indexOf('status') &&
      c.id === roles.indexOf('id') &&
      c.title === roles.indexOf('title') &&
      c.deps === roles.indexOf('deps') &&
      c.owner === roles.indexOf('owner') &&
      c.storyFile === roles.indexOf('storyFile') &&
      c.priority === roles.indexOf('priority') &&
      c.effort === roles.indexOf('effort') &&
      c.wave === roles.indexOf('wave');
    if (!same || c.status === -1 || c.id === -1 || !(roles.includes('priority') || roles.every((r) => r !== null))) continue;
    // A role this module does not know of may tie a row to others (a parent column): not read alone.
    if (roles.some((r) => r !== null && !KNOWN_ROLES.has(r))) continue;
    if (legendRows(headerOnly(t.headers), false, () => false) !== null) continue;
    tables.push([h, t.end]);
  }
  const out = new Int32Array(queue.stories.length).fill(-1);
  let k = 0;
  for (let i = 0; i < queue.stories.length; i++) {
    const s = queue.stories[i];
    const o = s.occurrences[0];
    // A parent's readiness and its warnings follow its children: never read alone.
    if (s.occurrences.length !== 1 || o.kind !== 'table' || s.derivedId || s.parent !== null || queue.graph.children(s.id).length > 0 || o.column !== 1) continue;
    const line = o.line - 1;
    while (k + 1 < tables.length && tables[k + 1][0] < line) k++;
    const t = tables[k];
    if (t && t[0] + 1 < line && o.start < t[1] && startsWithPipe(line)) out[i] = t[0];
  }
  return out;
}

/** Whether a story is written as a heading block anywhere. */
function hasHeadingStory(stories: readonly Story[]): boolean {
  for (let i = 0; i < stories.length; i++) {
    const occ = stories[i].occurrences;
    for (let k = 0; k < occ.length; k++) if (occ[k].kind === 'heading') return true;
  }
  return false;
}

/** A table with `headers` and one row whose cells are all plain words: {@link legendRows} reads it as
 * a legend exactly when its header names a meaning column, whatever its rows. */
function headerOnly(headers: string[]): RawTable {
  const row = (texts: string[]) => ({ line: 1, column: 1, start: 0, end: 0, cells: texts.map((text) => ({ text, start: 0, end: 0 })) });
  return { header: row(headers), rows: [row(headers.map(() => 'word'))], start: 0, end: 0 };
}

/** One row read alone ({@link readRowAlone}). */
export interface RowAlone {
  /** The row's story, at line 3 of its own document. */
  story: Story;
  /** The row's own diagnostics ({@link ROW_CODES}), moved to the row's line. */
  diagnostics: Diagnostic[];
  /** Its dependencies as written (reference, done mark). */
  written: Array<[string, boolean]>;
  /** The one table of the row's own document: its last row (this one) as read, and where it ends. */
  table: TableInfo;
  /** Where the row starts in its own document: its offsets minus this are offsets in the row. */
  rowStart: number;
  /** How its document was read: `scan+inline` when some of the row's text needed remark. */
  readPath: ReadPath;
  /** The words its document was read with: the vocabulary's, as no legend is read with a row. */
  lexicon: QueueDocument['lexicon'];
}

/**
 * Read the row `row` of a story table whose header and delimiter lines are `header` and `delimiter`,
 * as a document of those three lines, in `file` at 1-based line `line`. Null when that document
 * does not read as one story from that row with only the row's own diagnostics and its
 * dependencies', or its reading throws (a limit: the full read says which), or (`scanOnly`) the
 * scanner needed remark for any of its text.
 */
export async function readRowAlone(header: string, delimiter: string, row: string, file: string, line: number, opts: ReadOptions = {}, scanOnly = false): Promise<RowAlone | null> {
  let q: Queue;
  try {
    q = await readQueue([{ file, text: `${header}\n${delimiter}\n${row}\n` }], opts);
  } catch {
    return null;
  }
  const doc = q.documents[0];
  if (q.stories.length !== 1 || (doc.readPath !== 'scan' && (scanOnly || doc.readPath !== 'scan+inline')) || doc.tables.length !== 1 || doc.tables[0].kind !== 'story') return null;
  const s = q.stories[0];
  if (s.occurrences.length !== 1 || s.occurrences[0].kind !== 'table' || s.line !== 3 || s.column !== 1 || s.derivedId || s.parent !== null) return null;
  const diagnostics: Diagnostic[] = [];
  for (const d of q.diagnostics) {
    if (DEPENDENCY_CODES.has(d.code)) continue;
    if (!ROW_CODES.has(d.code) || d.line !== 3) return null;
    diagnostics.push({ ...d, line });
  }
  // The references as this one-story document resolved them: it drops only repeats that the full
  // read drops too (the same reference, or two naming this story), so two rows whose lists agree
  // here agree in the full read.
  const written = s.deps.map((d): [string, boolean] => [d.ref, d.markedDone]);
  return { story: { ...s, line }, diagnostics, written, table: doc.tables[0], rowStart: header.length + delimiter.length + 2, readPath: doc.readPath, lexicon: doc.lexicon };
}
