/**
 * Errors the CLI reports as `{"schemaVersion": 1, "error": {"code", "message"}}`.
 * Exit codes (README): 0 ok, 1 refused or invalid, 2 usage or unreadable input.
 */
export type ErrorCode = 'usage' | 'unreadable' | 'not_found' | 'parse_error' | 'invalid';

const EXIT: Record<ErrorCode, number> = { usage: 2, unreadable: 2, not_found: 1, parse_error: 1, invalid: 1 };

export class QueueError extends Error {
  readonly exitCode: number;
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
    this.exitCode = EXIT[code];
  }
}
