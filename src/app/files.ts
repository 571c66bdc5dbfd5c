/**
 * Work-tree files queue reads whole or writes beside the queue (I/O). Every write stays inside the
 * work tree: its path must be one git could hold (`domain/paths.ts`), and no symbolic link on the
 * way to it (nor the file itself) may lead outside the root, since the write would land where the
 * link points; a link that stays inside is followed. Every write is a compare-and-swap on the
 * file's bytes ({@link swapFile}). Files read because something in the repository names them (a
 * story file cell, a handoff, a decision record) are read only where they really are inside the
 * work tree and outside `.git` ({@link readablePath}).
 */
import { closeSync, existsSync, fchmodSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { takeLock } from '../git/lock.js';
import { QueueError } from '../domain/errors.js';
import { MAX_FILE_BYTES, tooLarge } from '../domain/limits.js';
import { badPath } from '../domain/paths.js';
import type { Decision } from '../edit/decide.js';

/**
 * A file's text, read whole: QueueError `too_large` (as `shown`) when it is over
 * {@link MAX_FILE_BYTES}, found before reading. File system errors are thrown as they are.
 */
export function readText(path: string, shown = path): string {
  const size = statSync(path).size;
  if (size > MAX_FILE_BYTES) throw tooLarge(shown, size);
  return readFileSync(path, 'utf8');
}

/**
 * A file's bytes, read whole: QueueError `too_large` (as `shown`) when it is over
 * {@link MAX_FILE_BYTES}, found before reading. File system errors are thrown as they are.
 */
export function readBytes(path: string, shown = path): Buffer {
  const size = statSync(path).size;
  if (size > MAX_FILE_BYTES) throw tooLarge(shown, size);
  return readFileSync(path);
}

/** A file's text ({@link readText}), or null when it does not exist. */
export function readIfExists(path: string, shown = path): string | null {
  return existsSync(path) ? readText(path, shown) : null;
}

/**
 * `path` (absolute, or relative to `root`) resolved, when it is safe to read as a file of the work
 * tree at `root`: with every symbolic link followed it is a regular file inside `root` (itself
 * resolved) and not under its `.git`; null otherwise (absent, a directory, a device, outside). Paths
 * read this way come from files anyone can commit: a story file cell, a committed symbolic link.
 */
export function readablePath(root: string, path: string): string | null {
  try {
    const top = realpathSync(root);
    const real = realpathSync(resolve(root, path));
    const rel = relative(top, real);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep)[0] === '.git') return null;
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

/**
 * The absolute path to write `rel` (relative to `root`, `/`-separated) at, once it is safe: QueueError
 * `invalid` for a path git could not hold, or when a name on the way (or the file) exists as a
 * symbolic link leading outside `root`, or to nothing.
 */
export function writablePath(root: string, rel: string): string {
  const why = badPath(rel);
  if (why) throw new QueueError('invalid', `refusing to write ${JSON.stringify(rel)}: it has ${why}`, { file: rel });
  const top = realpathSync(root);
  let at = root;
  const names = rel.split('/');
  for (let i = 0; i < names.length; i++) {
    at = join(at, names[i]);
    let link: boolean;
    try {
      link = lstatSync(at).isSymbolicLink();
    } catch {
      break; // absent: nothing under it exists either
    }
    if (!link) continue;
    const shown = names.slice(0, i + 1).join('/');
    let target: string;
    try {
      target = realpathSync(at);
    } catch {
      throw new QueueError('invalid', `refusing to write ${rel}: ${shown} is a symbolic link to nothing`, { file: rel });
    }
    if (target !== top && !target.startsWith(top + sep)) {
      throw new QueueError('invalid', `refusing to write ${rel}: ${shown} is a symbolic link to ${target}, outside the work tree ${top}`, { file: rel, link: shown });
    }
  }
  // A file that is itself a link (inside, as checked) is written where it points: a rename over the
  // link would replace the link with a file.
  const path = resolve(root, rel);
  try {
    return lstatSync(path).isSymbolicLink() ? realpathSync(path) : path;
  } catch {
    return path;
  }
}

/** What {@link swapFile} did: `written` (the file holds the new text), or `moved` (the file no
 * longer held what the caller expected; nothing was written, and the caller decides again). */
export type SwapOutcome = 'written' | 'moved';

let seq = 0;

/**
 * Replace the file at `path` with `next` only if it still holds `expected` (null: it must not
 * exist), as a compare-and-swap on its bytes. Given as text, `expected` is compared with the file
 * read as UTF-8 and `next` written as UTF-8; given as bytes, both are bytes exactly (a queue file
 * that is not all UTF-8 keeps its bytes: `read/queue.ts` documentBytes).
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
export async function swapFile(path: string, expected: string | Uint8Array | null, next: string | Uint8Array): Promise<SwapOutcome> {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}${String(seq++ % 1e6).padStart(6, '0')}`;
  const fd = openSync(tmp, 'w');
  try {
    const mode = existsSync(path) ? statSync(path).mode & 0o7777 : null;
    if (mode !== null) fchmodSync(fd, mode);
    if (typeof next === 'string') writeSync(fd, next);
    else for (let at = 0; at < next.length; ) at += writeSync(fd, next, at, next.length - at);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  let release: (() => Promise<void>) | null = null;
  try {
    release = await takeLock(path, `${path}.lock`, `the lock of ${path}`, {
      realpath: false,
      stale: 3_000,
      update: 1_000,
      retries: { retries: 400, factor: 1.2, minTimeout: 2, maxTimeout: 50, randomize: true },
      // A lock taken over from a holder starved of CPU: the compare still guards the bytes.
      onCompromised: () => {},
    });
    if (typeof expected === 'string' || expected === null ? readIfExists(path) !== expected : !existsSync(path) || !readFileSync(path).equals(expected)) return 'moved';
    renameSync(tmp, path);
    return 'written';
  } finally {
    rmSync(tmp, { force: true });
    await release?.().catch(() => {});
  }
}

/**
 * Write a decision's files (the status board, handoffs, story files) into the work tree at `root`,
 * every path checked first ({@link writablePath}), each by {@link swapFile} against the text it had when the decision was taken: `before` maps a
 * file's path (relative to `root`) to that text (null: absent); a file not in `before` is compared
 * with what it holds now, and one with `replace` unset must not exist. Unchanged files are left
 * alone. Returns the paths that had moved and were not written.
 */
export async function writeFiles(root: string, d: Pick<Decision, 'files'>, before: ReadonlyMap<string, string | null> = new Map()): Promise<string[]> {
  const moved: string[] = [];
  const files = (d.files ?? []).map((f) => ({ ...f, abs: writablePath(root, f.path) }));
  for (const f of files) {
    const path = f.abs;
    const expected = before.has(f.path) ? (before.get(f.path) ?? null) : f.replace ? readIfExists(path) : null;
    if (expected === f.content) continue;
    if ((await swapFile(path, expected, f.content)) === 'moved') moved.push(f.path);
  }
  return moved;
}
