/**
 * The queue as it reads after an edit of some of its table rows, made from the queue as it read
 * before the edit instead of reading the whole file again: what a write's proof by re-reading needs
 * after a claim, a done or a release (`edit/apply.ts`). Pure.
 *
 * Exact or nothing: {@link patchQueue} gives the very queue {@link readQueue} gives for the edited
 * text, or null (the caller then reads in full). It patches only where `read/rows.ts` proves a row
 * can be read alone ({@link patchableRows}), and checks each edited row's old text, read alone,
 * against what the full read made of it before trusting its new text read alone: the story, its
 * place in its table, and its own diagnostics. An edit that changes a story's dependencies (but for
 * a done mark beside a reference to a done story), adds or removes a line, touches anything but such
 * rows, or changes the status of a story another story's dependency marks done (its
 * `stale_done_mark` warning follows from it) is read in full.
 */
import { checkFileSize } from '../domain/limits.js';
import type { Diagnostic, Occurrence, Span, Story } from '../domain/types.js';
import type { TableInfo } from '../dialect/entries.js';
import { decodeUtf8 } from '../domain/encoding.js';
import { readQueue, type Queue, type QueueDocument, type QueueSource, type ReadOptions, type WholeFile } from './queue.js';
import { writtenMarks } from '../dialect/marks.js';
import { changedAt, changedLines, lineBefore } from './changes.js';
import { carryRows, couldReadAlone, patchableRows, readRowAlone, ROW_CODES, withRowDiagnostics, type RowAlone } from './rows.js';

/** `span` moved by `by` characters. */
const moveSpan = (span: Span | undefined, by: number): Span | undefined => (span ? { ...span, start: span.start + by, end: span.end + by } : undefined);

/** `o` moved by `by` characters (its line unchanged). */
export function moveOccurrence(o: Occurrence, by: number): Occurrence {
  const spans: Occurrence['spans'] = {};
  for (const k in o.spans) {
    const key = k as keyof Occurrence['spans'];
    spans[key] = moveSpan(o.spans[key], by);
  }
  return { ...o, start: o.start + by, end: o.end + by, spans };
}

/** The ids that a dependency of one of `stories` names with a done mark beside it. */
function markedDone(stories: readonly Story[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < stories.length; i++) {
    const deps = stories[i].deps;
    for (let k = 0; k < deps.length; k++) if (deps[k].markedDone && deps[k].id !== null) out.add(deps[k].id!);
  }
  return out;
}

/** The story of a row read alone ({@link readRowAlone}) as the full read places it: at 1-based line
 * `line` starting at offset `at`, in its section, with `deps`, the dependencies as the full read
 * resolved them. */
function placed(r: RowAlone, line: number, at: number, was: Story, deps = was.deps): Story {
  const o = moveOccurrence(r.story.occurrences[0], at - r.rowStart);
  return { ...r.story, deps, sectionPath: was.sectionPath, line, occurrences: [{ ...o, line }] };
}

/** The table `t` with its last row (at offset `at` of the file) as `r` reads it. */
const lastRowOf = (t: TableInfo, r: RowAlone, at: number): TableInfo => ({
  ...t,
  lastRow: r.table.lastRow,
  lastRowSource: r.table.lastRowSource,
  end: r.table.end - r.rowStart + at,
});

/**
 * `before` re-read after its one document's text became `text` (no byte order mark), or null when
 * that cannot be told without reading `text` in full (see the module's comment). `known`: how long
 * a prefix and suffix the two texts are known to share (`read/changes.ts` changedLines), when the
 * caller made the edit. Throws what a full read of `text` throws for its size (QueueError `too_large`).
 */
export async function patchQueue(before: Queue, text: string, known?: { prefix: number; suffix: number }): Promise<Queue | null> {
  if (before.documents.length !== 1) return null;
  const doc = before.documents[0];
  // Line 1 (a title) is never a row.
  const change = changedLines(doc.text, text, 1, known);
  if (!change) return null;
  checkFileSize(text, doc.file);
  const rowHead = patchableRows(before);
  if (!rowHead) return null;
  const opts = before.vocabulary ? { vocabulary: before.vocabulary } : {};
  const stories = before.stories;
  // Each edited line: the story on it, its new reading, and the offsets of its start before and after.
  const edited: Array<{ i: number; line: number; story: Story; diagnostics: Diagnostic[]; table: TableInfo | null; oldStart: number; oldEnd: number; delta: number }> = [];
  // The story whose row is at 1-based `line` and reads alone: a pass over the stories for each of the
  // first edited lines (a write edits one or two), a map of every row once there are more (a commit
  // that edits thousands of rows must not cost a pass over the file for each).
  // The ids marked done beside a reference, made on first use (a status edit of a story so marked
  // is read in full: the mark's warning would follow it).
  let marked: Set<string> | undefined;
  let byLine: Map<number, number> | null = null;
  let asked = 0;
  const rowAt = (line: number): number | undefined => {
    if (++asked <= 4) {
      for (let i = 0; i < stories.length; i++) if (stories[i].line === line && rowHead[i] !== -1) return i;
      return undefined;
    }
    if (byLine === null) {
      byLine = new Map();
      for (let i = 0; i < stories.length; i++) if (rowHead[i] !== -1 && !byLine.has(stories[i].line)) byLine.set(stories[i].line, i);
    }
    return byLine.get(line);
  };
  // The diagnostics of the full read at each line, made on first use.
  let diagnosticsAt: Map<number, Diagnostic[]> | null = null;
  const storedAt = (line: number): Diagnostic[] => {
    if (diagnosticsAt === null) {
      diagnosticsAt = new Map();
      for (const d of before.diagnostics) if (ROW_CODES.has(d.code)) diagnosticsAt.set(d.line, [...(diagnosticsAt.get(d.line) ?? []), d]);
    }
    return diagnosticsAt.get(line) ?? [];
  };
  // Done marks an edit added or took away beside a reference: the story it names, and the mark before and after.
  const flips: Array<{ id: string; was: boolean; now: boolean }> = [];
  // Past this many edited lines a full read costs less than reading each row alone, twice.
  let rows = 0;
  for (let j = 0; j < change.old.length; j++) if (change.old[j] !== change.now[j] && ++rows > Math.max(64, stories.length >> 4)) return null;
  let oldStart = change.start;
  let newStart = change.start;
  const lineText = (l: number): string => (l >= change.first ? change.old[l - change.first] : lineBefore(doc.text, change.start, change.first, l));
  for (let j = 0; j < change.old.length; j++, oldStart += change.old[j - 1].length + 1, newStart += change.now[j - 1].length + 1) {
    const was = change.old[j];
    const now = change.now[j];
    if (was === now) continue;
    const line = change.first + j + 1;
    const i = rowAt(line);
    if (i === undefined || !couldReadAlone(now)) return null;
    const h = rowHead[i];
    const header = lineText(h);
    const delimiter = lineText(h + 1);
    if (changedAt(change, h) || changedAt(change, h + 1)) return null;
    const r0 = await readRowAlone(header, delimiter, was, doc.file, line, opts, true);
    const r1 = await readRowAlone(header, delimiter, now, doc.file, line, opts, true);
    if (!r0 || !r1) return null;
    const s = stories[i];
    // The old row read alone must be what the full read made of it.
    const w0 = r0.written;
    const w1 = r1.written;
    if (JSON.stringify(w0) !== JSON.stringify(s.deps.map((d) => [d.ref, d.markedDone])) || w1.length !== w0.length) return null;
    if (JSON.stringify(placed(r0, line, oldStart, s)) !== JSON.stringify(s)) return null;
    const stored = storedAt(line);
    if (JSON.stringify(stored) !== JSON.stringify(r0.diagnostics)) return null;
    // The dependencies may change only by a done mark beside a reference to a story of the queue
    // (what a write's follow step adds and takes away): the edge stays, and the stale_done_mark
    // warning that could follow is ruled out below, once every edited row is known.
    let deps = s.deps;
    for (let k = 0; k < w0.length; k++) {
      if (w1[k][0] !== w0[k][0]) return null;
      if (w1[k][1] === w0[k][1]) continue;
      const id = s.deps[k].id;
      if (id === null) return null;
      if (deps === s.deps) deps = s.deps.slice();
      deps[k] = { ...s.deps[k], markedDone: w1[k][1] };
      flips.push({ id, was: w0[k][1], now: w1[k][1] });
    }
    const story = placed(r1, line, newStart, s, deps);
    if (story.id !== s.id) return null;
    if (story.status.raw !== s.status.raw) {
      marked ??= markedDone(stories);
      if (marked.has(s.id)) return null;
    }
    // The row's table: when the row is its last, the table's last row and end are the row's.
    const oldEnd = oldStart + was.length;
    const t = doc.tables.find((x) => x.kind === 'story' && x.line === h + 1);
    if (!t) return null;
    let table: TableInfo | null = null;
    if (t.end >= oldStart && t.end <= oldEnd) {
      const old = lastRowOf(t, r0, oldStart);
      if (JSON.stringify(old) !== JSON.stringify(t)) return null;
      table = lastRowOf(t, r1, newStart);
    }
    edited.push({ i, line, story, diagnostics: r1.diagnostics, table, oldStart, oldEnd, delta: now.length - was.length });
  }
  if (edited.length === 0) return null;
  // A mark beside a story that is not done is a stale_done_mark warning: none before, none after.
  if (flips.length) {
    const now = new Map(edited.map((e) => [e.story.id, e.story]));
    for (const f of flips) {
      const done = (s: Story | undefined) => s?.status.category === 'done';
      if ((f.was && !done(before.graph.byId.get(f.id))) || (f.now && !done(now.get(f.id) ?? before.graph.byId.get(f.id)))) return null;
    }
  }
  // Offsets after an edited line move by what the edited lines before them grew or shrank: the
  // edited lines come in file order, so the sum of those before an offset is found by a binary search.
  const grown = new Array<number>(edited.length + 1);
  grown[0] = 0;
  for (let k = 0; k < edited.length; k++) grown[k + 1] = grown[k] + edited[k].delta;
  const shift = (offset: number) => {
    let lo = 0;
    let hi = edited.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edited[mid].oldEnd < offset) lo = mid + 1;
      else hi = mid;
    }
    return grown[lo];
  };
  const out = stories.slice();
  const firstEnd = edited[0].oldEnd;
  // Indexed loops and no closure per story: this pass meets every story after the first edit (half
  // the file, for an edit in its middle), in code that runs once per process.
  for (let i = 0; i < out.length; i++) {
    const s = out[i];
    const places = s.occurrences;
    let moved: Occurrence[] | null = null;
    for (let k = 0; k < places.length; k++) {
      const o = places[k];
      if (o.start <= firstEnd) continue;
      const by = shift(o.start);
      if (by === 0) continue;
      if (moved === null) moved = places.slice();
      moved[k] = moveOccurrence(o, by);
    }
    if (moved !== null) {
      out[i] = { ...s, occurrences: moved };
    }
  }
  for (const e of edited) out[e.i] = e.story;
  const diagnostics = withRowDiagnostics(
    before.diagnostics,
    new Set(edited.map((e) => e.line)),
    edited.flatMap((e) => e.diagnostics),
  );
  const ownTables = new Map<number, TableInfo>();
  for (const e of edited) if (e.table) ownTables.set(e.table.line, e.table);
  const tables = doc.tables.map((t) => {
    const own = ownTables.get(t.line);
    if (own) return own;
    const by = shift(t.end);
    return by === 0 ? t : { ...t, end: t.end + by };
  });
  const headings = doc.headings.map((x) => {
    const by = shift(x.start);
    return by === 0 ? x : { ...x, start: x.start + by };
  });
  const document: QueueDocument = { ...doc, text, tables, headings };
  if (doc.whole)
    document.whole = wholeWith(
      doc.whole,
      edited.map((e) => wholeRow(e.story, text)),
    );
  const graph = before.graph.withStatuses(
    out,
    edited.map((e) => e.i),
  );
  const after: Queue = { ...before, documents: [document], stories: out, graph, diagnostics };
  // Every row that read alone still does: the edited ones were read alone, and nothing else changed.
  carryRows(after, rowHead);
  return after;
}

/** One edited row of a {@link WholeFile}: its 1-based line and its new status and Depends On cells
 * as written (undefined: the row has none). */
export interface WholeRow {
  line: number;
  status: string | undefined;
  deps: string | undefined;
}

/** `whole` after an edit of the rows `rows`: their status cells, and the marks of those the
 * reconciler may edit. Lines hold: a patched edit adds and removes none. */
export function wholeWith(whole: WholeFile, rows: readonly WholeRow[]): WholeFile {
  const cells = whole.cells.slice();
  const marks = whole.marks.slice();
  const markLines = whole.markLines;
  for (const r of rows) {
    const at = whole.lines.indexOf(r.line);
    if (at !== -1 && r.status !== undefined) cells[at] = r.status;
    // The row's place among the lines (ascending), found by halving.
    let lo = 0;
    let hi = markLines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (markLines[mid] < r.line) lo = mid + 1;
      else hi = mid;
    }
    if (markLines[lo] === r.line) marks[lo] = r.deps === undefined ? 0 : writtenMarks(r.deps);
  }
  return { cells, lines: whole.lines, markLines, marks };
}

/** The {@link WholeRow} of `story`, a story of `text`. */
export function wholeRow(story: Story, text: string): WholeRow {
  const { status, deps } = story.occurrences[0].spans;
  return { line: story.line, status: status && text.slice(status.start, status.end), deps: deps && text.slice(deps.start, deps.end) };
}

/**
 * `source` (bytes, or text already decoded) read with `opts`, as {@link readQueue} reads it, patched
 * from `before` (an earlier reading of the same file) by {@link patchQueue} when it can be: the same
 * file name, the same vocabulary, and a new file that is its text as it is, so that offsets hold:
 * UTF-8 with no byte order mark (`read/rows.ts` asks the same of `before`). For a process that keeps
 * a queue and sees its file change (the MCP server's live queue, the watcher, the judge of a push
 * going from one version to the next). Throws what {@link readQueue} throws.
 */
export async function rereadQueue(before: Queue | null, source: QueueSource, opts: ReadOptions = {}): Promise<Queue> {
  const doc = before?.documents.length === 1 ? before.documents[0] : null;
  if (before && doc && doc.file === source.file && JSON.stringify(before.vocabulary) === JSON.stringify(opts.vocabulary)) {
    const text = textOf(source);
    if (text !== null) {
      const patched = await patchQueue(before, text);
      if (patched) return patched;
    }
  }
  return readQueue([source], opts);
}

/** The text of `source` when it is the file as it is (no byte order mark, bytes all UTF-8, lines
 * not ended by CR alone), else null. */
function textOf(source: QueueSource): string | null {
  let text: string;
  if ('text' in source) text = source.text;
  else {
    const decoded = decodeUtf8(source.bytes);
    if (decoded.invalid.length !== 0) return null;
    text = decoded.text;
  }
  if (text.charCodeAt(0) === 0xfeff) return null;
  // Lines ended by CR alone are read as LF (`read/queue.ts` readDocument): offsets would not hold.
  if (text.includes('\r') && !text.includes('\n')) return null;
  return text;
}
