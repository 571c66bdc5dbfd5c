/**
 * `queue render [--check] [--commit]` (issue 5): bring what follows from the graph up to date —
 * statuses blocked only by dependencies, done marks, generated blocks. Loaded only when it runs.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import writeFileAtomic from 'write-file-atomic';
import { QueueError } from '../core/errors.js';
import { readQueue, type Queue } from '../core/read.js';
import { applyDecision, type Applied } from '../edit/apply.js';
import type { Decision } from '../edit/decide.js';
import { transact } from '../git/transaction.js';
import { reconcile, renderDecision, type BoardInput } from '../reconcile/reconcile.js';
import { Git } from '../git/git.js';
import { readIfExists, writeFiles } from '../core/files.js';
import { globals, printJson } from './context.js';
import { target } from './write.js';
import type { WriteOptions } from './write-options.js';

export interface RenderOptions extends WriteOptions {
  check?: boolean;
}

/** Apply a render decision and prove it stable: rendering the result again must change nothing. */
export async function applyRender(queue: Queue, d: Decision, config: Parameters<typeof applyDecision>[2]): Promise<Applied> {
  const applied = await applyDecision(queue, d, config);
  const again = reconcile(applied.after).flatMap((r) => r.actions);
  if (again.length) throw new QueueError('parse_error', `rendering ${d.document.file} is not stable (a second pass would still ${again.join(', ')}); nothing was written`);
  return applied;
}

export async function runRender(cmd: Command, opts: RenderOptions): Promise<void> {
  const t = await target(cmd, { ...opts, commit: opts.commit === true && !opts.check });
  const agent = opts.agent ?? process.env.QUEUE_AGENT ?? 'queue';
  const path = resolve(t.root, t.file);
  const json = globals(cmd).json;
  let actions: string[];
  let commit: string | null = null;
  const boardPath = `${t.config.deploymentDir}/status/current-status.md`;
  const now = new Date();
  if (opts.check || opts.commit !== true) {
    const text = readFileSync(path, 'utf8');
    const queue = await readQueue([{ file: t.file, text }]);
    const board: BoardInput = { path: boardPath, text: readIfExists(resolve(t.root, boardPath)), now };
    const d = renderDecision(queue, agent, board);
    actions = d.actions;
    if (!opts.check && !d.unchanged) {
      const applied = await applyRender(queue, d, t.config);
      if (readFileSync(path, 'utf8') !== text) throw new QueueError('conflict_retries_exhausted', `${t.file} changed while queue was rendering it; run the command again`);
      if (applied.content !== text) await writeFileAtomic(path, applied.content);
      await writeFiles(t.root, d);
    }
  } else {
    const git = new Git(t.root);
    let decided: string[] = [];
    const result = await transact({
      ...t,
      maxAttempts: t.config.maxAttempts,
      config: t.config,
      decide: async (q, base) => {
        const d = renderDecision(q, agent, { path: boardPath, text: await git.raw(['cat-file', 'blob', `${base}:${boardPath}`]).catch(() => null), now });
        decided = d.actions;
        return d;
      },
    });
    actions = result.commit ? decided : [];
    commit = result.commit;
  }
  if (json) printJson({ file: t.file, stale: opts.check ? actions.length > 0 : undefined, actions, commit });
  else if (actions.length === 0) process.stdout.write(`${t.file} is up to date\n`);
  else process.stdout.write(`${opts.check ? `out of date:\n` : ''}${actions.map((a) => `${opts.check ? '  ' : ''}${a}\n`).join('')}${commit ? `committed ${commit.slice(0, 7)}\n` : ''}`);
  if (opts.check && actions.length) process.exitCode = 1;
}
