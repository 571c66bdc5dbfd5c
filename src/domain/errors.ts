/**
 * Errors the CLI reports as `{"schemaVersion": 1, "error": {"code", "message", ...details}}`.
 * Exit codes (docs/json.md): 0 ok, 1 refused or invalid, 2 usage or unreadable input.
 *
 * Codes: `usage`, `unreadable`, `not_found`, `parse_error` (the file cannot be
 * edited with full fidelity), `invalid`, `not_ready` (dependencies not done; `waitingOn` lists them),
 * `already_claimed` (`holder` names who), `not_claimant`, `no_ready_story`,
 * `claim_limit` (the agent holds its share already), `rule_violation` (the change breaks a claim rule,
 * `violations` lists them), `conflict_retries_exhausted` (the shared branch kept moving), `locked` (another
 * queue process held the clone's lock, or a file's, for as long as queue waits; `lock` names it), `git` (a git command failed),
 * `io` (the system refused a read or write: a full disk, a read-only file system, no permission),
 * `too_large` and `too_deep` (an input over one of the limits in `domain/limits.ts`: the file, a cell,
 * the links in a cell, the parse budget; the nesting of lists and quotes), with `file`, `line`, `column`
 * of the construct and `limit`.
 */
export type ErrorCode =
  | 'usage'
  | 'unreadable'
  | 'not_found'
  | 'parse_error'
  | 'invalid'
  | 'not_ready'
  | 'already_claimed'
  | 'not_claimant'
  | 'no_ready_story'
  | 'claim_limit'
  | 'rule_violation'
  | 'conflict_retries_exhausted'
  | 'locked'
  | 'git'
  | 'io'
  | 'too_large'
  | 'too_deep';

const EXIT: Record<ErrorCode, number> = {
  usage: 2,
  unreadable: 2,
  not_found: 1,
  parse_error: 1,
  invalid: 1,
  not_ready: 1,
  already_claimed: 1,
  not_claimant: 1,
  no_ready_story: 1,
  claim_limit: 1,
  rule_violation: 1,
  conflict_retries_exhausted: 1,
  locked: 1,
  git: 2,
  io: 2,
  too_large: 1,
  too_deep: 1,
};

/** The exit code of an error `code` ({@link QueueError}'s), for a command that reports a failure without throwing. */
export function exitCodeOf(code: ErrorCode): number {
  return EXIT[code];
}

/** An error queue reports to the user: a code from {@link ErrorCode}, a message, JSON details, an exit code. */
export class QueueError extends Error {
  readonly exitCode: number;
  /**
   * @param code machine-readable code, see {@link ErrorCode}
   * @param details extra fields for the JSON error object (`holder`, `waitingOn`, `file`, `line`…)
   */
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.exitCode = EXIT[code];
  }
}
