/**
 * What every write command shares (issue 3): turn the command line into a {@link WriteTarget} and an
 * intent, hand them to the core write API (`app/write.ts`), and print the outcome. Output:
 * `{"schemaVersion": 1, "story": {…after…}, "commit": "<sha>" | null, "attempts": N}`.
 */
import type { Command } from 'commander';
import type { QueueConfig } from '../domain/config.js';
import type { Queue } from '../read/queue.js';
import { locateWrite, resolveAgent, write, type WriteIntent, type WriteOutcome, type WriteTarget } from '../app/write.js';
import { unblockedIn } from '../git/transaction.js';
import { globals, human, printJson } from './context.js';
import { storyJson } from '../model/contract.js';

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

/**
 * Run one write command end to end and print its result. `make` builds the intent from the
 * resolved agent and config. Errors propagate as QueueError (main.ts prints them).
 */
export async function runWrite(cmd: Command, opts: WriteOptions, make: (agent: string, config: QueueConfig, where: Target) => WriteIntent, allowEmpty = false): Promise<void> {
  const t = await target(cmd, opts);
  const agent = await resolveAgent(opts.agent, t.root, t.config);
  const outcome = await write(t, make(agent, t.config, t), { commit: opts.commit, allowEmpty });
  await printResult(cmd, t, outcome);
}

async function printResult(cmd: Command, t: Target, o: WriteOutcome) {
  const { decision: d, story: shown, after, commit, attempts, note } = o;
  // Claiming a story shows the handoffs written for it (issue 5).
  const handoffs = d.op === 'claim' && shown ? await handoffsFor(shown.id, after, t.root, t.config.deploymentDir) : [];
  // What `done` released in the same write.
  const unblocked = unblockedIn(o.applied);
  if (globals(cmd).json) {
    printJson({
      story: shown ? storyJson(shown, after.graph) : { id: d.id },
      ...(d.op === 'claim' ? { handoffs } : {}),
      ...(d.op === 'done' ? { unblocked } : {}),
      ...(d.files?.length ? { files: d.files.map((f) => f.path) } : {}),
      commit,
      attempts,
      ...(d.unchanged ? { unchanged: true } : {}),
      ...(note ? { note } : {}),
    });
    return;
  }
  const { c } = await human();
  const what = d.unchanged ? `${d.id} unchanged (${shown?.status.raw ?? ''})` : `${d.subject.replace(/^queue: /, '')}${shown ? ` → ${shown.status.raw}` : ''}`;
  process.stdout.write(`${what}${commit ? c().dim(` [${commit.slice(0, 7)}${attempts > 1 ? `, ${attempts} attempts` : ''}]`) : ''}\n`);
  if (unblocked.length) process.stdout.write(`unblocked ${unblocked.join(', ')}\n`);
  for (const f of d.files ?? []) process.stdout.write(`wrote ${f.path}\n`);
  for (const h of handoffs) process.stdout.write(`handoff ${h.file}: ${h.from ?? '?'} → ${h.to ?? '?'}${h.timestamp ? ` (${h.timestamp})` : ''}${h.notes ? `: ${h.notes}` : ''}\n`);
  if (note) process.stderr.write(`queue: ${note}\n`);
}

/** Handoffs under the deployment directory naming a story (read from the work tree). */
async function handoffsFor(
  id: string,
  queue: Queue,
  root: string,
  deploymentDir: string,
): Promise<Array<{ file: string; from: string | null; to: string | null; timestamp: string | null; notes: string | null }>> {
  const { handoffsNaming } = await import('../app/handoff-files.js');
  return (await handoffsNaming(root, deploymentDir, id, queue)).map((h) => ({ file: h.file, from: h.fromAgent, to: h.toAgent, timestamp: h.timestamp, notes: h.notes }));
}
