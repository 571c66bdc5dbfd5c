/**
 * What every write command shares: turn the command line into a {@link Session}, call one operation
 * of the core write API (`app/operations.ts`), and print what it returns. Output with `--json`:
 * `{"schemaVersion": 1, "story": {…after…}, "changed": bool, "effects": […], "commit": "<sha>" | null,
 * "attempts": N}` (see `resultJson`).
 */
import type { Command } from 'commander';
import { openSession, resultJson, type Session, type WriteResult } from '../app/operations.js';
import { locateWrite, resolveAgent, type WriteTarget } from '../app/write.js';
import { describeEffect } from '../domain/effects.js';
import { globals, human, printJson } from './context.js';

/** Options every write command takes. */
export interface WriteOptions {
  agent?: string;
  commit?: boolean;
  push?: boolean;
  force?: boolean;
}

export { resolveAgent };
/** Where a write command writes (see {@link locateWrite}). */
export type Target = WriteTarget;

/** {@link locateWrite} for a command's `-C`, `--file`, `--no-commit` and `--no-push`. */
export async function target(cmd: Command, opts: WriteOptions): Promise<Target> {
  const g = globals(cmd);
  return locateWrite({ cwd: g.C, file: g.file, commit: opts.commit, push: opts.push });
}

/** The session a write command acts in: `-C`, `--file`, `--agent`, `--no-commit`, `--no-push`. */
export function session(cmd: Command, opts: WriteOptions): Promise<Session> {
  const g = globals(cmd);
  return openSession({ cwd: g.C, file: g.file, commit: opts.commit, push: opts.push, agent: opts.agent });
}

/** Run one operation of the core API for a write command and print its result. Errors propagate as QueueError (main.ts prints them). */
export async function runWrite(cmd: Command, opts: WriteOptions, operation: (s: Session) => Promise<WriteResult>): Promise<void> {
  const r = await operation(await session(cmd, opts));
  if (globals(cmd).json) {
    printJson(await resultJson(r));
    return;
  }
  const { c } = await human();
  const status = r.story?.status.raw ?? '';
  const subject = r.subject.replace(/^queue: /, '');
  const what = r.changed ? `${subject}${r.story ? ` → ${status}` : ''}` : `${r.id} unchanged (${status})`;
  process.stdout.write(`${what}${r.commit ? c().dim(` [${r.commit.slice(0, 7)}${r.attempts > 1 ? `, ${r.attempts} attempts` : ''}]`) : ''}\n`);
  const unblocked = r.effects.flatMap((e) => (e.kind === 'unblock' ? [e.id] : []));
  if (unblocked.length) process.stdout.write(`unblocked ${unblocked.join(', ')}\n`);
  for (const e of r.effects) if (e.kind === 'file') process.stdout.write(`${describeEffect(e)}\n`);
  for (const h of r.handoffs)
    process.stdout.write(`handoff ${h.file}: ${h.from ?? '?'} → ${h.to ?? '?'}${h.timestamp ? ` (${h.timestamp})` : ''}${h.notes ? `: ${h.notes}` : ''}\n`);
  if (r.note) process.stderr.write(`queue: ${r.note}\n`);
}
