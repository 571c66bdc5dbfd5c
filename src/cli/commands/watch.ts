/** `queue watch [--commit]`: reconcile on every change of the queue, stories/ and deployment/. */
import type { Command } from 'commander';

/** Add `queue watch` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  program
    .command('watch')
    .description('keep unblocking, done marks and generated blocks up to date as files change (Ctrl-C stops)')
    .option('--commit', 'commit each change through the transaction layer instead of editing the working file')
    .option('--no-push', 'with --commit: commit to the local branch only')
    .option('--agent <name>', 'who the commits name, and whose hand edits it carries (default: $QUEUE_AGENT, then git config queue.agent, else "queue")')
    .option('--debounce <ms>', 'quiet time before acting', '100')
    .action(async (opts: { commit?: boolean; push?: boolean; agent?: string; debounce: string }, cmd: Command) => {
      const { target } = await import('../write.js');
      const { watch } = await import('../../watch/watch.js');
      const { positiveInt } = await import('../context.js');
      const { askedAgent } = await import('../../app/agent.js');
      const t = await target(cmd, { commit: opts.commit === true, push: opts.push });
      const w = watch({
        where: t,
        agent: (await askedAgent(opts.agent, t.root)) ?? 'queue',
        debounceMs: positiveInt(opts.debounce, '--debounce'),
        commit: opts.commit === true,
        log: (line) => process.stdout.write(`${line}\n`),
      });
      await w.ready;
      process.stdout.write(`watching ${t.file}, ${t.config.storiesDir}/ and ${t.config.deploymentDir}/ (Ctrl-C stops)\n`);
      await new Promise<void>((resolve) => {
        const stop = () => void w.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      process.stdout.write('stopped\n');
    });
}
