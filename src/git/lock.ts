/** The clone's queue lock: orders the transactions of one clone and its worktrees. */
import { join } from 'node:path';
// Loaded with this module, never on first use: proper-lockfile loads signal-exit, which listens for
// SIGTERM and SIGINT and, when it finds no other listener at the signal, sends the signal again to
// end the process. Loaded after a command's own `once` listener (`queue watch`), it would find none
// left once that ran, and kill the process the listener was stopping cleanly.
import lockfile, { type LockOptions } from 'proper-lockfile';
import { QueueError } from '../domain/errors.js';

/**
 * `proper-lockfile`'s lock, with a lock still held when the retries run out (`ELOCKED`: another
 * process keeps it fresh) as QueueError `locked` naming `what` and the lock directory `path`.
 */
export async function takeLock(target: string, path: string, what: string, options: Omit<LockOptions, 'lockfilePath'>): Promise<() => Promise<void>> {
  try {
    return await lockfile.lock(target, { ...options, lockfilePath: path });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
    throw new QueueError(
      'locked',
      `another queue process held ${what} (${path}) all the while queue waited: run the command again once it is done; if no queue process is running, remove ${path}`,
      { lock: path },
    );
  }
}

/**
 * Take the clone's queue lock (proper-lockfile: a directory created atomically, its mtime refreshed
 * every second while held; a holder killed with -9 leaves a lock that is stale after 3 s).
 *
 * A holder starved of CPU for longer than that can find its lock taken over ("compromised").
 * proper-lockfile's default then throws from a timer, killing the process with nothing on stdout;
 * here the attempt goes on: the lock only orders processes of one clone, git's own ref locks still
 * guard every ref, and the remote's compare-and-swap still decides.
 */
export async function lock(common: string): Promise<() => Promise<void>> {
  const release = await takeLock(common, join(common, 'queue.lock'), "the clone's queue lock", {
    realpath: false,
    stale: 3_000,
    update: 1_000,
    retries: { retries: 400, factor: 1.2, minTimeout: 5, maxTimeout: 100, randomize: true },
    onCompromised: () => {},
  });
  // Releasing a lock already taken over is not an error of the transaction.
  return () => release().catch(() => {});
}

/** Run `fn` holding the clone's queue lock ({@link lock}, in the common git dir `common`); released
 * however `fn` ends. */
export async function serially<T>(common: string, fn: () => Promise<T>): Promise<T> {
  const release = await lock(common);
  try {
    return await fn();
  } finally {
    await release();
  }
}
