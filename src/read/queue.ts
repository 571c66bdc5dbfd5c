/**
 * The pure core of reading: queue text → stories, graph and diagnostics. No file system, no git:
 * the same function serves the CLI, the hooks (reading blobs at commits) and the watcher.
 */
import { readBlocks, type ReadPath, type ReadResult } from '../markdown/read.js';
import { LimitError } from '../markdown/limits.js';
import { checkFileSize } from '../domain/limits.js';
import type { RawHeading } from '../markdown/blocks.js';
import { stripBom } from '../markdown/text.js';
import { LineIndex } from '../markdown/lines.js';
import { readEntries, type Entry, type TableInfo } from '../dialect/entries.js';
import type { Lexicon } from '../dialect/vocabulary.js';
import { startsWithStatusEmoji } from '../dialect/status.js';
import { buildStories } from '../model/build.js';
import { QueueGraph } from '../model/graph.js';
import type { Diagnostic, Occurrence, Span, Story } from '../domain/types.js';
import { decodeUtf8, encodeLike, encodeUtf8, invalidPlaces, type Decoded } from '../domain/encoding.js';
import { QueueError } from '../domain/errors.js';
import type { Vocabulary } from '../domain/config.js';

/** How to read: the team's vocabulary (`queue.config.json`'s `statuses`, `columns` and `ids`), none by default. */
export interface ReadOptions {
  vocabulary?: Vocabulary;
}

/** One queue file as read. `text` is BOM-less; offsets in stories index into it. */
export interface QueueDocument {
  file: string;
  text: string;
  bom: number;
  readPath: ReadPath;
  /** Why the fast scanner deferred to remark, when it did. */
  fallbackReason?: string;
  /** True when the file can be edited with full fidelity (no conflict markers). */
  editable: boolean;
  /** Story tables and Completed logs, where rows can be appended. */
  tables: TableInfo[];
  /** Its headings in file order: where heading-block stories begin and end, and which sections
   * state a status (`edit/move.ts`). */
  headings: readonly RawHeading[];
  /** The bytes it was read from, when they were not all UTF-8 (their U+FFFD are kept as bytes by
   * {@link documentBytes}). */
  source?: Decoded;
  /** The team's words the file was read with (queue.config.json's and its legend's). */
  lexicon?: Lexicon;
  /** The file ends its lines with CR alone (classic Mac OS): `text` holds LF in their place, one
   * character for one, so that it reads as the same file with LF and every offset holds;
   * {@link asWritten} puts the CRs back. */
  cr?: boolean;
  /** The status words the file declares as written, in a list of its status values or a legend
   * (`dialect/vocabulary.ts` declaredForms): the forms a write takes where no status cell shows one. */
  declared?: readonly string[];
  /**
   * What a write learns from every row of the file, for a document whose queue holds only some of
   * its stories (a partial queue, `app/indexed-write.ts`): the file's status cells and the done
   * marks its Depends On cells hold. Absent for a document read in full, where the stories say it.
   */
  whole?: WholeFile;
}

/**
 * The rows of a whole file as the writes' conventions read them (`edit/common.ts` wholeFile): how
 * the file writes statuses (`edit/style.ts` statusStyle learns it from its status cells) and which
 * done mark it writes beside dependencies (`reconcile/reconcile.ts` markStyle).
 */
export interface WholeFile {
  /** The status cells `edit/common.ts` tableStatusCells gives for the file, in its order. */
  cells: string[];
  /** The 1-based line of each of `cells` (a line holds at most one). */
  lines: Int32Array;
  /** The 1-based line of each story the reconciler may edit, ascending. */
  markLines: Int32Array;
  /** The written marks the Depends On cell on each line of `markLines` holds (`dialect/marks.ts`
   * writtenMarks: bit `k` for mark `k`). */
  marks: Uint8Array;
}

/** A queue file to read: its text, or its bytes (then bytes that are not UTF-8 are found and kept). */
export type QueueSource = { file: string; text: string } | { file: string; bytes: Uint8Array };

/** The file as it is written for `text`, the document's text or an edit of it (default: as read):
 * its byte order mark put back, and its lines ended by CR again when it wrote them so
 * ({@link QueueDocument.cr}). */
export function asWritten(doc: Pick<QueueDocument, 'bom' | 'cr' | 'text'>, text = doc.text): string {
  return (doc.bom ? '\uFEFF' : '') + (doc.cr ? text.replaceAll('\n', '\r') : text);
}

/**
 * The bytes to write for `content`, an edit of `doc`'s file (byte order mark included): UTF-8,
 * except that where `doc` was read from bytes that were not UTF-8, every byte the edit did not
 * change is kept (`domain/encoding.ts` {@link encodeLike}). Throws QueueError `parse_error` when
 * that cannot be done with full fidelity; nothing should be written then.
 */
export function documentBytes(doc: QueueDocument, content: string): Uint8Array {
  if (!doc.source) return encodeUtf8(content);
  const bytes = encodeLike(doc.source, content);
  if (!bytes)
    throw new QueueError(
      'parse_error',
      `${doc.file} holds bytes that are not UTF-8 where queue would edit it; fix the file's encoding (queue validate shows where); nothing was written`,
      {
        file: doc.file,
      },
    );
  return bytes;
}

/** `encoding` warnings for the bytes of `src` that are not UTF-8 (at most 20, the last saying how many more). */
function encodingDiagnostics(src: Decoded, file: string): Diagnostic[] {
  const { places, more } = invalidPlaces(src);
  const bom = src.text.charCodeAt(0) === 0xfeff;
  return places.map((p, i) => ({
    severity: 'warning' as const,
    code: 'encoding',
    message: `bytes that are not UTF-8 (${p.bytes}), read as U+FFFD; queue keeps them as they are when it writes the file${i === places.length - 1 && more ? ` (and ${more} more such places)` : ''}`,
    file,
    line: p.line,
    column: bom && p.line === 1 ? p.column - 1 : p.column,
  }));
}

/** A read queue: stories in file order, their graph, every diagnostic, sorted by file and line. */
export interface Queue {
  documents: QueueDocument[];
  stories: Story[];
  graph: QueueGraph;
  diagnostics: Diagnostic[];
  /** The vocabulary the queue was read with: a re-read after an edit uses the same. */
  vocabulary?: Vocabulary;
}

const CONFLICT = /^(?:<{7}|={7}|>{7}|\|{7})(?:[ \t].*)?$/;

/** Conflict markers left by a failed merge (`<<<<<<<`, `=======`, `>>>>>>>`), as error diagnostics. */
export function conflictMarkers(text: string, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!text.includes('<<<<<<<') && !text.includes('>>>>>>>')) return out;
  const lines = new LineIndex(text);
  for (let i = 0; i < lines.count; i++) {
    const l = lines.line(i);
    if (CONFLICT.test(l)) {
      out.push({
        severity: 'error',
        code: 'conflict',
        message: `merge conflict marker "${l.slice(0, 7)}": resolve the conflict before queue can edit this file`,
        file,
        line: i + 1,
        column: 1,
      });
    }
  }
  return out;
}

/** A status line in a dialect queue does not read: `**Status:** DONE` under a heading, `| status: TODO`. */
const FOREIGN_STATUS = /^\s*(?:[-*+]\s+)?(?:\*\*|__)?status(?:\*\*|__)?\s*:|\|\s*status\s*:\s*\S/i;

/**
 * The warning for a non-empty file in which no story was found (`no_stories`): nothing is hidden
 * silently. It points at the first line that looks like a status written in a form queue does not
 * read (a `**Status:**` line under a heading with no id, a bullet `- status: TODO`), else at the
 * first bullet led by a status emoji (`- ✅ Shipped`: in real queue files most are reports and rules,
 * so queue does not read them as stories), else at the top of the file.
 */
function noStories(text: string, file: string): Diagnostic {
  const reads =
    'queue reads stories from tables with a Status column (`| [ ] | **5-3** | … |`), task lists (`- [ ] …`) and headings with an id and a Status line (`## QW-1 …` then `Status: todo`)';
  const warn = (line: number, why = '') => ({ severity: 'warning' as const, code: 'no_stories', message: `no stories read from this file: ${reads}${why}`, file, line, column: 1 });
  const lines = new LineIndex(text);
  const quote = (l: string) => `"${l.trim().slice(0, 60)}"`;
  let emoji: Diagnostic | null = null;
  for (let i = frontMatterEnd(lines); i < lines.count; i++) {
    const l = lines.line(i);
    if (FOREIGN_STATUS.test(l)) return warn(i + 1, `; ${quote(l)} is a status in a form queue does not read`);
    const item = emoji ? null : LIST_ITEM.exec(l);
    if (item && startsWithStatusEmoji(item[1])) {
      emoji = warn(
        i + 1,
        `; ${quote(l)} is a bullet led by a status emoji, which queue does not read as a story (most such bullets are reports and rules, not work: write work as \`- [ ] …\`)`,
      );
    }
  }
  return emoji ?? warn(1);
}

/** A list item's text after its marker. */
const LIST_ITEM = /^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(.*)$/;

/**
 * The index of the first line after YAML front matter (`---` on line 1 up to a `---` or `...` line,
 * the Jekyll/Hugo convention GitHub renders as a table), or 0 when the file has none or it is never
 * closed. A `status: living` key there describes the document, not a story.
 */
function frontMatterEnd(lines: LineIndex): number {
  if (lines.count === 0 || !/^---\s*$/.test(lines.line(0))) return 0;
  for (let i = 1; i < lines.count; i++) if (/^(?:---|\.\.\.)\s*$/.test(lines.line(i))) return i + 1;
  return 0;
}

/**
 * `text` without the given lines (1-based), and the maps from positions in that text back to
 * `text`: a line, an offset, and a whole occurrence (its line, offsets and spans).
 */
function cutLines(text: string, cutAt: readonly number[]) {
  const lines = new LineIndex(text);
  const cutSet = new Set(cutAt);
  const parts: string[] = [];
  // Each kept line: where it starts in the cut text, where in the original, and its original number.
  const keptStart: number[] = [];
  const origStart: number[] = [];
  const origLine: number[] = [];
  let at = 0;
  for (let i = 0; i < lines.count; i++) {
    if (cutSet.has(i + 1)) continue;
    const start = lines.starts[i];
    const end = i + 1 < lines.count ? lines.starts[i + 1] : text.length;
    keptStart.push(at);
    origStart.push(start);
    origLine.push(i + 1);
    parts.push(text.slice(start, end));
    at += end - start;
  }
  const find = (offset: number) => {
    let lo = 0;
    let hi = keptStart.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (keptStart[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const line = (n: number) => origLine[n - 1] ?? n;
  const offset = (o: number) => {
    if (keptStart.length === 0) return o;
    const k = find(o);
    return origStart[k] + (o - keptStart[k]);
  };
  const span = (sp: Span | undefined): Span | undefined => (sp ? { start: offset(sp.start), end: offset(sp.end) } : undefined);
  const occurrence = (o: Occurrence): Occurrence => ({
    ...o,
    line: line(o.line),
    start: offset(o.start),
    end: offset(o.end),
    spans: Object.fromEntries(Object.entries(o.spans).map(([k, v]) => [k, span(v)])),
    ...(o.section ? { section: { ...o.section, line: line(o.section.line) } } : {}),
  });
  return { text: parts.join(''), line, offset, occurrence };
}

/** `QUEUE_READ=remark` reads every document with remark alone (for comparing readers, and the bench's baseline). */
const REMARK_ONLY = process.env.QUEUE_READ === 'remark';

/**
 * Read one file's text (any bytes decoded as UTF-8) into entries and diagnostics. What queue cannot
 * read with certainty is a diagnostic; a file over one of the limits (`domain/limits.ts`) is
 * refused with QueueError `too_large` or `too_deep` at the construct's line and column.
 */
export async function readDocument(raw: string, file: string, opts: ReadOptions = {}): Promise<{ doc: QueueDocument; entries: Entry[]; diagnostics: Diagnostic[] }> {
  checkFileSize(raw, file);
  const stripped = stripBom(raw);
  const bom = stripped.bom;
  // Lines ended by CR alone are read as the same lines ended by LF (asWritten writes them back).
  const cr = stripped.text.includes('\r') && !stripped.text.includes('\n');
  const text = cr ? stripped.text.replaceAll('\r', '\n') : stripped.text;
  const markers = conflictMarkers(text, file);
  // Conflict markers are not content: the file is read with its marker lines cut out (both sides of
  // each conflict are read, so no row is lost and no marker becomes a story), then every line and
  // offset is mapped back to the file as it is.
  const cut = markers.length
    ? cutLines(
        text,
        markers.map((m) => m.line),
      )
    : null;
  const body = cut ? cut.text : text;
  let read: ReadResult;
  try {
    read = await readBlocks(body, { remarkOnly: REMARK_ONLY });
  } catch (e) {
    // A limit's position is in the text read: mapped back to the file as it is.
    throw e instanceof LimitError ? (cut ? new LimitError(e.code, cut.offset(e.offset), e.message, e.limit) : e).toQueueError(text, file) : e;
  }
  const { entries, diagnostics, tables, lexicon, declared } = readEntries(read.blocks, body, file, opts.vocabulary);
  if (cut) {
    for (const e of entries) e.occurrence = cut.occurrence(e.occurrence);
    for (const d of diagnostics) d.line = cut.line(d.line);
    for (const t of tables) {
      t.line = cut.line(t.line);
      t.end = cut.offset(t.end);
    }
    for (const h of read.blocks.headings) {
      h.line = cut.line(h.line);
      h.start = cut.offset(h.start);
    }
  }
  for (const m of markers) diagnostics.push(m);
  if (entries.length === 0) {
    diagnostics.push(
      text.trim() === ''
        ? { severity: 'warning', code: 'no_stories', message: 'the queue file is empty: no stories to read (`queue add` writes one)', file, line: 1, column: 1 }
        : noStories(text, file),
    );
  }
  return {
    doc: {
      file,
      text,
      bom,
      readPath: read.path,
      fallbackReason: read.reason,
      editable: markers.length === 0,
      tables,
      headings: read.blocks.headings,
      lexicon,
      declared,
      ...(cr ? { cr } : {}),
    },
    entries,
    diagnostics,
  };
}

const RANK = { error: 0, warning: 1, info: 2 } as const;

/** The order {@link readQueue} gives diagnostics: by file, line and column, errors before warnings before infos. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.file === b.file ? a.line - b.line || a.column - b.column || RANK[a.severity] - RANK[b.severity] : a.file < b.file ? -1 : 1;
}

/** Read queue files (path → text, or bytes: then each byte sequence that is not UTF-8 is read as
 * U+FFFD, warned about as `encoding` at its line and column, and kept by {@link documentBytes}) into
 * one queue, with the team's vocabulary when `opts` gives one. Stories keep the order of `files`, then lines. */
export async function readQueue(files: QueueSource[], opts: ReadOptions = {}): Promise<Queue> {
  const documents: QueueDocument[] = [];
  const entries: Entry[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const f of files) {
    const src = 'bytes' in f ? decodeUtf8(f.bytes) : null;
    const r = await readDocument(src ? src.text : (f as { text: string }).text, f.file, opts);
    if (src?.invalid.length) {
      r.doc.source = src;
      for (const d of encodingDiagnostics(src, f.file)) r.diagnostics.push(d);
    }
    documents.push(r.doc);
    // One by one: a spread of 100,000 arguments overflows the stack.
    for (let k = 0; k < r.entries.length; k++) entries.push(r.entries[k]);
    for (const d of r.diagnostics) diagnostics.push(d);
  }
  const built = buildStories(entries, opts.vocabulary?.hierarchy ? { hierarchy: opts.vocabulary.hierarchy } : {});
  for (const d of built.diagnostics) diagnostics.push(d);
  const graph = QueueGraph.from(built.stories);
  for (const cycle of graph.cycles) {
    const first = graph.byId.get(cycle[0])!;
    diagnostics.push({
      severity: 'error',
      code: 'cycle',
      message: `dependency cycle: ${[...cycle, cycle[0]].join(' → ')}`,
      file: first.file,
      line: first.line,
      column: first.column,
      story: first.id,
    });
  }
  diagnostics.sort(compareDiagnostics);
  return { documents, stories: built.stories, graph, diagnostics, ...(opts.vocabulary ? { vocabulary: opts.vocabulary } : {}) };
}
