/**
 * The library entry of the `workqueue.md` package: the core API that the `queue` CLI, the git
 * hooks, the watcher and agent harnesses share (docs/api.md).
 *
 * Reading: {@link openQueue} parses the queue file into stories and their dependency graph;
 * {@link openReady} answers "what can be claimed now" (from the queue index when it is current).
 * Writing: {@link openSession} locates the repository, the shared branch and the acting agent; each
 * operation ({@link claim}, {@link done}, …) is then one git transaction on the shared branch that
 * exactly one writer wins, and returns what it did as typed {@link Effect}s. Every refusal is a
 * {@link QueueError} with a stable `code`.
 *
 * ```ts
 * import { openSession, claim, done } from 'workqueue.md';
 * const s = await openSession({ cwd: '/work/clone', agent: 'Dev 2' });
 * const { id } = await claim(s);
 * // … work on the story …
 * await done(s, { id }); // dependents released and the Completed log row, in the same commit
 * ```
 */
export {
  add,
  approve,
  block,
  claim,
  dependency,
  done,
  handoff,
  openSession,
  reject,
  reopen,
  release,
  resultJson,
  review,
  unblock,
  type AddOptions,
  type DoneOptions,
  type HandoffNote,
  type HandoffOptions,
  type Session,
  type SessionOptions,
  type WriteResult,
} from './app/operations.js';
export { LiveQueue, openQueue, openReady, type OpenOptions, type OpenedQueue, type ReadyAnswer } from './app/open.js';
export { buildPrompt, promptAgent, type AgentPrompt, type PromptDependency, type PromptHandoff, type PromptOptions, type PromptRules } from './app/prompt.js';
export { renderCommitted, renderWorking, type WorkingRender } from './app/render.js';
export { staleClaims, type StaleClaims } from './app/stale.js';
export { startRun, type RunOptions, type RunSummary, type Runner } from './run/runner.js';
export type { RunEvent } from './run/events.js';
export { locateWrite, resolveAgent, write, type LocateOptions, type WriteIntent, type WriteOutcome, type WriteTarget } from './app/write.js';
export { readQueue, type Queue, type QueueDocument } from './read/queue.js';
export { QueueError, type ErrorCode } from './domain/errors.js';
export { parseConfig, type QueueConfig } from './domain/config.js';
export { describeEffect, type Effect } from './domain/effects.js';
export type { Diagnostic, Story, StatusCategory } from './domain/types.js';
