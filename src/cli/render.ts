/**
 * `queue render [--check] [--commit]`: bring what follows from the graph up to date —
 * statuses blocked only by dependencies, done marks, generated blocks (`app/render.ts`). Loaded
 * only when it runs.
 */
import type { Command } from 'commander';
import { QueueError } from '../domain/errors.js';
import { describeEffect, type Effect } from '../domain/effects.js';
import { askedAgent } from '../app/agent.js';
import { committedQueue, renderCommitted, renderWorking } from '../app/render.js';
import { globals, printJson } from './context.js';
import { target } from './write.js';
import type { WriteOptions } from './write-options.js';

/** `queue render` options; `check` reports what a render would change and writes nothing. */
export interface RenderOptions extends WriteOptions {
  check?: boolean;
}

/** `queue render`: apply what follows from the graph (app/render.ts) to the working file or, with
 * `--commit`, as a transaction; with `--check`, exit 1 when something would change. */
export async function runRender(cmd: Command, opts: RenderOptions): Promise<void> {
  const t = await target(cmd, { ...opts, commit: opts.commit === true && !opts.check });
  const agent = (await askedAgent(opts.agent, t.root)) ?? 'queue';
  const now = new Date();
  let effects: Effect[];
  let commit: string | null = null;
  let note: string | undefined;
  if (opts.check || opts.commit !== true) {
    // Edited meanwhile: decide again on the new bytes, a bounded number of times.
    let r = await renderWorking(t, agent, now, { check: opts.check });
    for (let attempt = 1; r.outcome === 'moved' && attempt < t.config.maxAttempts; attempt++) r = await renderWorking(t, agent, now, { check: opts.check });
    if (r.outcome === 'moved') throw new QueueError('conflict_retries_exhausted', `${t.file} changed while queue was rendering it; run the command again`);
    effects = r.effects;
  } else {
    // The Completed log takes the stories the tip's own commit marked done (by hand).
    const r = await renderCommitted(t, agent, now, { since: (_tip, base) => (base ? committedQueue(t.root, t.file, `${base}^`, t.config.vocabulary) : null) });
    effects = r.effects;
    commit = r.commit;
    note = r.note;
  }
  const actions = effects.map(describeEffect);
  if (globals(cmd).json) printJson({ file: t.file, stale: opts.check ? actions.length > 0 : undefined, actions, effects, commit, ...(note ? { note } : {}) });
  else if (actions.length === 0) process.stdout.write(`${t.file} is up to date\n`);
  else
    process.stdout.write(
      `${opts.check ? `out of date:\n` : ''}${actions.map((a) => `${opts.check ? '  ' : ''}${a}\n`).join('')}${commit ? `committed ${commit.slice(0, 7)}\n` : ''}`,
    );
  // The shared branch moved but this clone did not follow: say why and how to catch up.
  if (note && !globals(cmd).json) process.stderr.write(`queue: ${note}\n`);
  if (opts.check && actions.length) process.exitCode = 1;
}
