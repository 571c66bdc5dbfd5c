/**
 * Work-tree file writes for the commands that edit the working file and the files beside it (I/O):
 * every write is a compare-and-swap on the file's bytes ({@link swapFile}).
 */
import { closeSync, existsSync, fchmodSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import lockfile from 'proper-lockfile';
import type { Decision } from '../edit/decide.js';

/** A file's text, or null when it does not exist. */
export function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** What {@link swapFile} did: `written` (the file holds the new text), or `moved` (the file no
 * longer held what the caller expected; nothing was written, and the caller decides again). */
export type SwapOutcome = 'written' | 'moved';

let seq = 0;

/**
 * Replace the file at `path` with `next` only if it still holds `expected` (null: it must not
 * exist), as a compare-and-swap on its bytes.
 *
 * `next` goes to a temp file in the same directory (`<path>.<digits>`), flushed to disk (fsync) and
 * given the file's mode. Then, holding the file's lock (proper-lockfile: the directory
 * `<path>.lock` beside it, taken by every queue process that writes the file, the watcher
 * included), the current bytes are read once more and compared with `expected`; on a match the
 * temp file is renamed over the file, else it is removed and the outcome is `moved`. Two queue
 * processes therefore never overwrite each other's writes.
 *
 * A person's editor does not take that lock: an edit saved between the last compare and the rename
 * is still overwritten. That window is kept as small as the OS allows: the compare is the last
 * thing before the rename, with nothing between them that waits on the disk (the fsync comes
 * before, not after). Creates missing parent directories.
 */
export async function swapFile(path: string, expected: string | null, next: string): Promise<SwapOutcome> {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}${String(seq++ % 1e6).padStart(6, '0')}`;
  const fd = openSync(tmp, 'w');
  try {
    const mode = existsSync(path) ? statSync(path).mode & 0o7777 : null;
    if (mode !== null) fchmodSync(fd, mode);
    writeSync(fd, next);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  let release: (() => Promise<void>) | null = null;
  try {
    release = await lockfile.lock(path, {
      lockfilePath: `${path}.lock`,
      realpath: false,
      stale: 3_000,
      update: 1_000,
      retries: { retries: 400, factor: 1.2, minTimeout: 2, maxTimeout: 50, randomize: true },
      // A lock taken over from a holder starved of CPU: the compare still guards the bytes.
      onCompromised: () => {},
    });
    if (readIfExists(path) !== expected) return 'moved';
    renameSync(tmp, path);
    return 'written';
  } finally {
    rmSync(tmp, { force: true });
    await release?.().catch(() => {});
  }
}

/**
 * Write a decision's files (the status board, handoffs, story files) into the work tree at `root`,
 * each by {@link swapFile} against the text it had when the decision was taken: `before` maps a
 * file's path (relative to `root`) to that text (null: absent); a file not in `before` is compared
 * with what it holds now, and one with `replace` unset must not exist. Unchanged files are left
 * alone. Returns the paths that had moved and were not written.
 */
export async function writeFiles(root: string, d: Pick<Decision, 'files'>, before: ReadonlyMap<string, string | null> = new Map()): Promise<string[]> {
  const moved: string[] = [];
  for (const f of d.files ?? []) {
    const path = resolve(root, f.path);
    const expected = before.has(f.path) ? (before.get(f.path) ?? null) : f.replace ? readIfExists(path) : null;
    if (expected === f.content) continue;
    if ((await swapFile(path, expected, f.content)) === 'moved') moved.push(f.path);
  }
  return moved;
}
