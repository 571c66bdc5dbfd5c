/**
 * The library entry of the `workqueue.md` package: the core API that the `queue` CLI, the git hooks,
 * the watcher and agent harnesses share. Open a queue to read it; locate a write, then carry out an
 * operation as a git transaction on the shared branch.
 *
 * ```ts
 * import { openQueue, locateWrite, write } from 'workqueue.md';
 * const queue = await openQueue({ cwd: '/work/clone' });
 * ```
 */
export { openQueue, openReady, type OpenOptions, type OpenedQueue, type ReadyAnswer } from './app/open.js';
export { locateWrite, resolveAgent, write, type LocateOptions, type WriteIntent, type WriteOutcome, type WriteTarget } from './app/write.js';
export { readQueue, type Queue, type QueueDocument } from './read/queue.js';
export { QueueError, type ErrorCode } from './domain/errors.js';
export { parseConfig, type QueueConfig } from './domain/config.js';
export type { Diagnostic, Story, StatusCategory } from './domain/types.js';
