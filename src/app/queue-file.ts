/**
 * Reading the queue file for a command (I/O): its bytes whole, or an error that names the file. Kept
 * apart from `files.ts` so that a read loads nothing of the write path.
 */
import { readFileSync, statSync } from 'node:fs';
import { QueueError } from '../domain/errors.js';
import { MAX_FILE_BYTES, tooLarge } from '../domain/limits.js';

/**
 * The queue file's bytes: QueueError `unreadable` naming the file and the system's code when it
 * cannot be read (absent, a directory, no permission), `too_large` (as `shown`) over
 * {@link MAX_FILE_BYTES}, found before reading.
 */
export function readQueueBytes(path: string, shown = path): Buffer {
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new QueueError('unreadable', `${path} is a directory`);
    if (st.size > MAX_FILE_BYTES) throw tooLarge(shown, st.size);
    return readFileSync(path);
  } catch (e) {
    if (e instanceof QueueError) throw e;
    throw new QueueError('unreadable', `cannot read queue file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
