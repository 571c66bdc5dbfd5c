/**
 * Helpers every decision shares: finding a story, refusing what cannot be edited with full
 * fidelity, the file's status cells, and the text forms of table rows. Pure.
 */
import { QueueError } from '../domain/errors.js';
import type { Queue, QueueDocument, WholeFile } from '../read/queue.js';
import type { Occurrence, Story } from '../domain/types.js';
import type { Edit } from './splice.js';
import { statusStyle, type StatusStyle } from './style.js';
import { parseDeps } from '../dialect/deps.js';
import { writtenMarks } from '../dialect/marks.js';

/** Find a story by id, exactly or ignoring case. Throws `not_found`. */
export function findStory(queue: Queue, id: string): Story {
  const s = queue.graph.lookup(id);
  if (!s) throw new QueueError('not_found', `no story "${id}" in ${queue.documents[0]?.file ?? 'the queue'}`, { id });
  return s;
}

/**
 * Refuse to edit what cannot be edited with full fidelity: a file with conflict markers, a story
 * written in more than one row or item, a story written only in a Completed log. Throws
 * `parse_error` with file and line.
 */
export function assertEditable(queue: Queue, story: Story): { doc: QueueDocument; occ: Occurrence } {
  const occ = story.occurrences[0];
  const doc = queue.documents.find((d) => d.file === occ.file)!;
  if (!doc.editable) {
    const m = queue.diagnostics.find((d) => d.code === 'conflict' && d.file === doc.file);
    throw new QueueError('parse_error', `${doc.file}${m ? `:${m.line}:${m.column}` : ''}: merge conflict markers; resolve the conflict before queue edits this file`, {
      file: doc.file,
      line: m?.line ?? null,
    });
  }
  const clash = queue.diagnostics.find((d) => d.story === story.id && d.severity === 'error' && (d.code === 'duplicate_conflict' || d.code === 'duplicate_id'));
  const twice = story.occurrences.filter((o) => o.kind !== 'log').length > 1;
  if (clash || twice) {
    const at = clash ?? { file: occ.file, line: story.occurrences[1].line, column: story.occurrences[1].column };
    throw new QueueError('parse_error', `${at.file}:${at.line}:${at.column}: ${story.id} is written in more than one row; queue will not guess which to edit`, {
      file: at.file,
      line: at.line,
    });
  }
  if (occ.kind === 'log' && occ.section) {
    const where = `${'#'.repeat(occ.section.depth)} ${occ.section.heading}`;
    throw new QueueError(
      'parse_error',
      `${occ.file}:${occ.line}:${occ.column}: ${story.id} is only written in a row of the table under "${where}" (line ${occ.section.line}), which has no status column; queue does not move rows between tables: move it by hand, or give it a row in a table with a Status column`,
      { file: occ.file, line: occ.line },
    );
  }
  if (occ.kind === 'log' || (!occ.spans.status && !occ.section)) {
    throw new QueueError(
      'parse_error',
      `${occ.file}:${occ.line}:${occ.column}: ${story.id} is only written in a Completed log row; queue writes statuses into story rows, task items and heading blocks`,
      { file: occ.file, line: occ.line },
    );
  }
  return { doc, occ };
}

/**
 * Source text of every table row's status cell in `doc`, in file order: the file's dialect. A file
 * with no story table gives its heading-block stories' status values instead (`Status: \`todo\``).
 * A document whose queue holds only some of its stories gives the whole file's ({@link WholeFile}).
 */
export function tableStatusCells(queue: Queue, doc: QueueDocument): string[] {
  return doc.whole ? doc.whole.cells : statusCells(queue, doc).cells;
}

/** {@link tableStatusCells} of a queue read in full, with the line of each cell. */
function statusCells(queue: Queue, doc: QueueDocument): { cells: string[]; lines: number[] } {
  const of = (kind: Occurrence['kind']) => {
    const cells: string[] = [];
    const lines: number[] = [];
    for (const s of queue.stories) {
      for (const o of s.occurrences)
        if (o.file === doc.file && o.kind === kind && o.spans.status) {
          cells.push(doc.text.slice(o.spans.status.start, o.spans.status.end));
          lines.push(o.line);
        }
    }
    return { cells, lines };
  };
  const table = of('table');
  return table.cells.length ? table : of('heading');
}

/**
 * What the writes' conventions read from every row of `doc` ({@link WholeFile}), from a queue read
 * in full: kept beside the queue index, so that a queue of only the stories a write touches
 * (`app/indexed-write.ts`) writes as the whole file does.
 */
export function wholeFile(queue: Queue, doc: QueueDocument): WholeFile {
  const { cells, lines } = statusCells(queue, doc);
  const markLines: number[] = [];
  const bits: number[] = [];
  // Stories come in file order, by the line of their first occurrence: the lines ascend.
  for (const s of queue.stories) {
    if (!isReconcilable(s, doc)) continue;
    const span = s.occurrences[0].spans.deps;
    markLines.push(s.occurrences[0].line);
    bits.push(span ? writtenMarks(doc.text.slice(span.start, span.end)) : 0);
  }
  return { cells, lines: Int32Array.from(lines), markLines: Int32Array.from(markLines), marks: Uint8Array.from(bits) };
}

/** How `doc` writes statuses ({@link statusStyle}): learned from its status cells, read with the
 * words it was read with, and the words it declares. */
export function fileStyle(queue: Queue, doc: QueueDocument): StatusStyle {
  return statusStyle(tableStatusCells(queue, doc), doc.lexicon, doc.declared);
}

/**
 * How `doc` writes "no dependency" in a Depends On cell (`None`, `—`, `-`, `n/a`, or nothing): the
 * form most of its table rows with no dependency write, the first such row's on a tie; `None` when
 * no row shows one.
 */
export function noDepsForm(queue: Queue, doc: QueueDocument): string {
  const counts = new Map<string, number>();
  for (const s of queue.stories) {
    if (s.deps.length !== 0) continue;
    const o = s.occurrences[0];
    const span = o.spans.deps;
    if (o.file !== doc.file || o.kind !== 'table' || !span) continue;
    const cell = doc.text.slice(span.start, span.end).trim();
    if (cell.length > 24) continue; // a note, not a form
    const read = parseDeps(cell);
    if (read.deps.length === 0 && read.documents.length === 0) counts.set(cell, (counts.get(cell) ?? 0) + 1);
  }
  let best = 'None';
  let most = 0;
  for (const [cell, n] of counts)
    if (n > most) {
      best = cell;
      most = n;
    }
  return best;
}

/**
 * Edits removing the lines `spans` are on (occurrences, or any spans: each from the start of its
 * first line to the end of its last), each with its line ending; lines next to each other go in one
 * edit. Lines that end a file without a final line
 * ending take the line ending before them instead, so that the file still ends without one.
 */
export function deleteLines(text: string, spans: ReadonlyArray<Pick<Occurrence, 'start' | 'end'>>): Edit[] {
  const lines = spans
    .map((o) => {
      let start = o.start;
      while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
      let end = o.end;
      while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
      if (text[end] === '\r') end++;
      if (text[end] === '\n') end++;
      return { start, end };
    })
    .sort((a, b) => a.start - b.start);
  const out: Edit[] = [];
  for (const l of lines) {
    const last = out[out.length - 1];
    if (last && l.start <= last.end) last.end = Math.max(last.end, l.end);
    else out.push({ ...l, text: '' });
  }
  const tail = out[out.length - 1];
  if (tail && tail.end === text.length && tail.start > 0 && !/[\r\n]$/.test(text)) tail.start -= text[tail.start - 2] === '\r' && text[tail.start - 1] === '\n' ? 2 : 1;
  return out;
}

/** Escape a cell's text for a table row: `|` would split the cell, a line break would end the row. */
export function cellText(s: string): string {
  return s.replace(/\r?\n|\r/g, ' ').replace(/\|/g, '\\|');
}

/** The line ending the document uses (the first one found), `\n` by default. */
export function lineEnding(text: string): string {
  const i = text.indexOf('\n');
  return i > 0 && text[i - 1] === '\r' ? '\r\n' : '\n';
}

/**
 * The ending (`\r\n` or `\n`) of the line whose content ends at offset `at`: what a line inserted
 * after it (`ending + line`, spliced in at `at`) is given, so that in a file that mixes endings the
 * line before keeps its own and the new line takes it too. For the last line, which has none, the
 * ending of the line before it; {@link lineEnding} for a file of one line.
 */
export function endingAfter(text: string, at: number): string {
  if (text.charCodeAt(at) === 10) return '\n';
  if (text.charCodeAt(at) === 13 && text.charCodeAt(at + 1) === 10) return '\r\n';
  const nl = text.lastIndexOf('\n', at - 1);
  return nl > 0 ? endingBefore(text, nl + 1) : lineEnding(text);
}

/** The ending of the line that ends right before offset `at` (a line's start): `\r\n` or `\n`;
 * {@link lineEnding} when no line ends there (the start of the text, or the end of a last line). */
export function endingBefore(text: string, at: number): string {
  if (at > 0 && text.charCodeAt(at - 1) === 10) return at > 1 && text.charCodeAt(at - 2) === 13 ? '\r\n' : '\n';
  return lineEnding(text);
}

/**
 * The table stories of `doc` that the reconciler keeps in step with their dependencies: written in
 * one row (a story written in more than one is refused by every write, see {@link assertEditable})
 * and listed under no status section (unblocking a story a `## Blocked` listing also lists is a
 * person's `queue unblock`, which drops that row too).
 */
export function reconcilable(queue: Queue, doc: QueueDocument): Story[] {
  return queue.stories.filter((s) => isReconcilable(s, doc));
}

/** Whether `s` is written in `doc` with a status of its own, in one place, and listed under no
 * status section: what the reconciler may edit, by kind ({@link isReconcilable}, {@link isUnblockable}). */
function writtenOnceIn(s: Story, doc: QueueDocument): boolean {
  return (
    s.file === doc.file &&
    s.occurrences[0].spans.status !== undefined &&
    s.occurrences.filter((o) => o.kind !== 'log').length === 1 &&
    !s.occurrences.some((o) => o.kind === 'log' && o.section)
  );
}

/** Whether `s` is one of {@link reconcilable}'s stories of `doc`. */
export function isReconcilable(s: Story, doc: QueueDocument): boolean {
  return s.occurrences[0].kind === 'table' && writtenOnceIn(s, doc);
}

/**
 * Whether `s` is a task item or a heading block of `doc` whose status is written in it (a tag, a
 * `Status:` line; not its section), in one place: the reconciler releases such a story from blocked
 * to to-do once its dependencies are done, as it does a table row, and does nothing else to it (it
 * writes no `[BLOCKED]` for one that waits, and no done marks beside its dependencies).
 */
export function isUnblockable(s: Story, doc: QueueDocument): boolean {
  const o = s.occurrences[0];
  return (o.kind === 'task' || o.kind === 'heading') && !o.section && writtenOnceIn(s, doc);
}

/**
 * Whether a file writes `[BLOCKED]` for stories that wait on their dependencies: some story of
 * `stories` reads `[BLOCKED]` without being a manual hold (a hold has a reason, or no dependencies).
 * In such a file a todo story that waits is `[BLOCKED]`; in any other it stays `[ ]`.
 */
export function writesBlocked(queue: Queue, stories: readonly Story[]): boolean {
  return stories.some((s) => s.status.category === 'blocked' && !queue.graph.isHold(s));
}

/**
 * Whether a write may leave a story that waits on its dependencies `[BLOCKED]` in `doc` and the file
 * still read as the reconciler would have it: the file writes `[BLOCKED]` for stories that wait
 * ({@link writesBlocked}), or nothing of it says otherwise: no todo story waits (that says it writes
 * `[ ]` for them), and no `[BLOCKED]` is a manual hold (that says `[BLOCKED]` means a hold there,
 * which a story that only waits is not).
 */
export function blocksWaiting(queue: Queue, doc: QueueDocument): boolean {
  const stories = reconcilable(queue, doc);
  if (writesBlocked(queue, stories)) return true;
  // Every [BLOCKED] story left is a hold.
  return !stories.some((s) => s.status.category === 'blocked' || (s.status.category === 'todo' && !s.deps.every((d) => queue.graph.satisfied(d))));
}
