/**
 * The codes of the warnings that say a read's answer may be stale or not what a write will see:
 * the shared branch could not be fetched (`fetch_failed`), the working file lacks what it has
 * (`behind_remote`), or has changes it lacks (`local_changes`). `app/shared-read.ts` makes them;
 * people are told on stderr before the answer, JSON carries them in `diagnostics`. A module of its
 * own so that a command saying them does not load the git machinery that makes them.
 */
export const SOURCE_CODES: ReadonlySet<string> = new Set(['fetch_failed', 'behind_remote', 'local_changes']);
