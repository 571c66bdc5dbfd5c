/**
 * What every command shares: global options, opening the queue, and the output contract.
 *
 * JSON contract (docs/json.md): exactly one JSON document on stdout, `{"schemaVersion": 1, ...}`;
 * failures `{"schemaVersion": 1, "error": {"code", "message"}}` with a non-zero exit.
 */
import type { Command } from 'commander';
import type { OpenedQueue } from '../app/open.js';
import type { Diagnostic } from '../domain/types.js';
import { QueueError } from '../domain/errors.js';

/** `schemaVersion` of every `--json` document; raised only on an incompatible change. */
export const SCHEMA_VERSION = 1;

/** The options every command takes: `-C <dir>`, `--file`, `--json`, `--no-color`. */
export interface GlobalOptions {
  C?: string;
  file?: string;
  json?: boolean;
  color?: boolean;
  offline?: boolean;
}

/** The global options as commander parsed them for `cmd`. */
export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

/**
 * Open the queue the global options name. `shared`: read the shared branch's tip when the working
 * file has no changes of its own (`--offline` reads the working file), as the commands that offer
 * stories to take do. The reading machinery is loaded here, on first use, so that start-up
 * (`--help`, `--version`, a usage error) does not pay for it.
 */
export async function open(cmd: Command, workspace = false, shared = false): Promise<OpenedQueue> {
  const g = globals(cmd);
  const { openQueue } = await import('../app/open.js');
  const q = await openQueue({ cwd: g.C, file: g.file, workspace, shared, offline: g.offline === true });
  if (shared && !g.json) await sayWhereFrom(q.diagnostics);
  return q;
}

/**
 * For people, on stderr: the warnings that say a read's answer may be stale (`app/source-codes.ts`
 * SOURCE_CODES: the shared branch could not be fetched, or the clone is behind it), which `--json`
 * carries in `diagnostics`. Said before the answer, one line each.
 */
export async function sayWhereFrom(diagnostics: readonly Diagnostic[]): Promise<void> {
  const { SOURCE_CODES } = await import('../app/source-codes.js');
  const source = diagnostics.filter((d) => SOURCE_CODES.has(d.code));
  if (source.length === 0) return;
  const { formatDiagnostic } = await human();
  process.stderr.write(source.map((d) => `${formatDiagnostic(d)}\n`).join(''));
}

/** The human formatting module (string-width, picocolors), loaded only when a command prints for people. */
export function human(): Promise<typeof import('./format.js')> {
  return import('./format.js');
}

/** Write one JSON document. */
export function printJson(body: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ schemaVersion: SCHEMA_VERSION, ...body })}\n`);
}

/** Parse a positive integer option or throw a usage error. */
export function positiveInt(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new QueueError('usage', `${name} must be a positive integer, got "${value}"`);
  return n;
}
