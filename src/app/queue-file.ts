/**
 * Reading the queue file for a command (I/O): its bytes whole, or an error that names the file. Kept
 * apart from `files.ts` so that a read loads nothing of the write path.
 */
import { readFileSync, statSync } from 'node:fs';
import { QueueError } from '../domain/errors.js';
import { MAX_FILE_BYTES, tooLarge } from '../domain/limits.js';

/** What the system's codes for a file that cannot be read mean, and what to do. */
const SAYS: Record<string, string> = {
  ENOENT: 'no such file (check --file, or create one with queue init)',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a directory on its path is a file',
  ELOOP: 'too many symbolic links',
};

/**
 * The queue file's bytes: QueueError `unreadable` naming the file and the system's code when it
 * cannot be read (absent, a directory, no permission), `too_large` (as `shown`) over
 * {@link MAX_FILE_BYTES}, found before reading.
 */
export function readQueueBytes(path: string, shown = path): Buffer {
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new QueueError('unreadable', `${path} is a directory, not a queue file`, { file: shown });
    if (st.size > MAX_FILE_BYTES) throw tooLarge(shown, st.size);
    return readFileSync(path);
  } catch (e) {
    if (e instanceof QueueError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code ? (SAYS[code] ?? code) : (e as Error).message;
    throw new QueueError('unreadable', `cannot read queue file ${path}: ${why}`, { file: shown, ...(code ? { errno: code } : {}) });
  }
}
