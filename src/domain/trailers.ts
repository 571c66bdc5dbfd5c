/**
 * The one home of the git trailers queue writes on its commits, and reads back in hooks,
 * `queue log` and `queue validate`: `Queue-Op` (the operation), `Queue-Story` (each story acted on,
 * repeated), `Queue-Agent` (who acted), `Queue-Force` (a non-holder acted: `true`, or `stale` for a
 * lease release) and `Queue-Request` (a group commit served another clone's claim request).
 * Trailers are information only: the claim rules judge what the content change does.
 */

/** The trailer keys, by role. */
export const TRAILER = {
  op: 'Queue-Op',
  story: 'Queue-Story',
  agent: 'Queue-Agent',
  force: 'Queue-Force',
  request: 'Queue-Request',
} as const;

/** A trailer as written: key, value. */
export type Trailer = [string, string];

/** The value of the first trailer with `key`, or null. */
export function trailerValue(trailers: readonly Trailer[], key: string): string | null {
  return trailers.find(([k]) => k === key)?.[1] ?? null;
}
