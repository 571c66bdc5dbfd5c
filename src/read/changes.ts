/**
 * Which lines an edit changed, told from the text before and after it without splitting either into
 * lines: what the incremental reads (`read/patch.ts`, the queue index's patch in `app/index-cache.ts`)
 * start from. Pure. Lines end at `\n`; the texts may be the bytes of a file as a one-byte string
 * (`latin1`): then offsets are byte offsets, and the lines' text is those bytes.
 */

/** The length of the common prefix of `a` and `b`, compared a block at a time (each comparison in the engine). */
function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  for (const step of [65536, 4096, 256, 16, 1]) while (i + step <= n && a.slice(i, i + step) === b.slice(i, i + step)) i += step;
  return i;
}

/** The length of the common suffix of `a` and `b`, at most `limit`. */
function commonSuffix(a: string, b: string, limit: number): number {
  let s = 0;
  for (const step of [65536, 4096, 256, 16, 1]) while (s + step <= limit && a.slice(a.length - s - step, a.length - s) === b.slice(b.length - s - step, b.length - s)) s += step;
  return s;
}

/**
 * The lines an edit of `before` into `after` changed: from 0-based line `first`, the old and the new
 * text of each (as many of one as of the other: the edit neither adds nor removes a line), and the
 * offset where line `first` starts (the same in both). Null when the edit adds or removes lines,
 * changes nothing, or changes a line before line `from` (told before the lines are split). Lines
 * end at `\n`. `known`: how long a prefix and a suffix the texts are known to share (where the
 * caller's edits begin and end), instead of comparing them; lines in between that did not change
 * are given as changed, with their old and new text the same.
 */
export function changedLines(
  before: string,
  after: string,
  from = 0,
  known?: { prefix: number; suffix: number },
): { first: number; old: string[]; now: string[]; start: number } | null {
  if (before === after) return null;
  const p = known ? known.prefix : commonPrefix(before, after);
  for (let l = 0, at = -1; l < from; l++) {
    at = before.indexOf('\n', at + 1);
    if (at === -1 || p <= at) return null;
  }
  const limit = Math.min(before.length, after.length) - p;
  const s = known ? Math.min(known.suffix, limit) : commonSuffix(before, after, limit);
  const start = p === 0 ? 0 : before.lastIndexOf('\n', p - 1) + 1;
  const stop = (t: string, at: number) => {
    const i = t.indexOf('\n', at);
    return i === -1 ? t.length : i;
  };
  const old = before.slice(start, stop(before, before.length - s)).split('\n');
  const now = after.slice(start, stop(after, after.length - s)).split('\n');
  if (old.length !== now.length) return null;
  let first = 0;
  for (let i = before.indexOf('\n'); i !== -1 && i < start; i = before.indexOf('\n', i + 1)) first++;
  return { first, old, now, start };
}

/** The text of 0-based line `line` of `text`, a line before line `from`, which starts at offset `start`. */
export function lineBefore(text: string, start: number, from: number, line: number): string {
  let at = start;
  for (let l = from; l > line; l--) at = at < 2 ? 0 : text.lastIndexOf('\n', at - 2) + 1;
  const end = text.indexOf('\n', at);
  return text.slice(at, end === -1 ? text.length : end);
}

/** Whether 0-based line `line` is one the edit `change` changed (a line outside its range is not). */
export function changedAt(change: { first: number; old: readonly string[]; now: readonly string[] }, line: number): boolean {
  const k = line - change.first;
  return k >= 0 && k < change.old.length && change.old[k] !== change.now[k];
}

/** The length of the common prefix of the bytes `a` and `b`, compared a block at a time (natively). */
function commonBytePrefix(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  for (const step of [65536, 4096, 256, 16, 1]) while (i + step <= n && Buffer.compare(a.subarray(i, i + step), b.subarray(i, i + step)) === 0) i += step;
  return i;
}

/** The length of the common suffix of the bytes `a` and `b`, at most `limit`. */
function commonByteSuffix(a: Uint8Array, b: Uint8Array, limit: number): number {
  let s = 0;
  for (const step of [65536, 4096, 256, 16, 1])
    while (s + step <= limit && Buffer.compare(a.subarray(a.length - s - step, a.length - s), b.subarray(b.length - s - step, b.length - s)) === 0) s += step;
  return s;
}

/**
 * {@link changedLines} of two files' bytes, the lines' text given as one-byte strings (`latin1`):
 * the same answer as `changedLines(before.toString('latin1'), after.toString('latin1'), from)`,
 * without turning either file into a string (only the changed lines are).
 */
export function changedByteLines(before: Buffer, after: Buffer, from = 0): { first: number; old: string[]; now: string[]; start: number } | null {
  if (before.equals(after)) return null;
  const p = commonBytePrefix(before, after);
  for (let l = 0, at = -1; l < from; l++) {
    at = before.indexOf(10, at + 1);
    if (at === -1 || p <= at) return null;
  }
  const s = commonByteSuffix(before, after, Math.min(before.length, after.length) - p);
  const start = p === 0 ? 0 : before.lastIndexOf(10, p - 1) + 1;
  const stop = (t: Buffer, at: number) => {
    const i = t.indexOf(10, at);
    return i === -1 ? t.length : i;
  };
  const old = before.toString('latin1', start, stop(before, before.length - s)).split('\n');
  const now = after.toString('latin1', start, stop(after, after.length - s)).split('\n');
  if (old.length !== now.length) return null;
  let first = 0;
  for (let i = before.indexOf(10); i !== -1 && i < start; i = before.indexOf(10, i + 1)) first++;
  return { first, old, now, start };
}

/** {@link lineBefore} of a file's bytes, as a one-byte string (`latin1`). */
export function byteLineBefore(bytes: Buffer, start: number, from: number, line: number): string {
  let at = start;
  for (let l = from; l > line; l--) at = at < 2 ? 0 : bytes.lastIndexOf(10, at - 2) + 1;
  const end = bytes.indexOf(10, at);
  return bytes.toString('latin1', at, end === -1 ? bytes.length : end);
}
