/**
 * How an agent started by `queue run` says it has finished: its `queue done ID` for the story it was
 * started on does not publish the done itself but records the request in a file the runner names
 * (`QUEUE_RUN_DONE_FILE`). The runner then integrates the agent's commits into the shared branch and
 * marks the story done after them, so a story is never done on the shared branch before its code is
 * there (deployment/decisions/0014-run-integration.md).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** The environment variable naming the file a done request is recorded in. */
export const DONE_FILE_ENV = 'QUEUE_RUN_DONE_FILE';
/** The environment variable naming the story the agent was started on. */
export const STORY_ENV = 'QUEUE_RUN_STORY';

/** A recorded `queue done`: what the runner passes on to the done it publishes. */
export interface DoneRequest {
  id: string;
  unblock: boolean;
  handoff?: { notes?: string; next?: string[] };
  /** ISO 8601 time it was asked. */
  at: string;
}

/**
 * Whether a `queue done` of story `id` in this process's environment is deferred to a runner: the
 * runner started it on that story (`QUEUE_RUN_STORY`) and named a file (`QUEUE_RUN_DONE_FILE`).
 */
export function deferredDone(id: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const file = env[DONE_FILE_ENV];
  const story = env[STORY_ENV];
  if (!file || !story || story.trim().toLowerCase() !== id.trim().toLowerCase()) return null;
  return file;
}

/** Record a done request in `file` (written whole; a repeated done replaces it). */
export function recordDone(file: string, req: DoneRequest): void {
  writeFileSync(file, `${JSON.stringify(req)}\n`);
}

/** The done request recorded in `file`, or null when there is none (or it does not read). */
export function readDone(file: string): DoneRequest | null {
  if (!existsSync(file)) return null;
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as DoneRequest;
    return typeof r.id === 'string' ? r : null;
  } catch {
    return null;
  }
}
