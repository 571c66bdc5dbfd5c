/**
 * Work-tree files queue reads whole or writes beside the queue (I/O). Every write stays inside the
 * work tree: its path must be one git could hold (`domain/paths.ts`), and no symbolic link on the
 * way to it (nor the file itself) may lead outside the root, since the write would land where the
 * link points. A link that stays inside is followed.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
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

/** A file's text ({@link readText}), or null when it does not exist. */
export function readIfExists(path: string, shown = path): string | null {
  return existsSync(path) ? readText(path, shown) : null;
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
  return resolve(root, rel);
}

/**
 * Write a decision's files (the status board, handoffs) into the work tree at `root`, atomically;
 * unchanged ones are left alone. Every path is checked ({@link writablePath}) before any is written.
 */
export async function writeFiles(root: string, d: Decision): Promise<void> {
  const files = (d.files ?? []).map((f) => ({ path: writablePath(root, f.path), content: f.content }));
  for (const f of files) {
    if (existsSync(f.path) && readFileSync(f.path, 'utf8') === f.content) continue;
    mkdirSync(dirname(f.path), { recursive: true });
    await writeFileAtomic(f.path, f.content);
  }
}
