/**
 * `queue completion bash|zsh|fish`: a shell completion script (commands, options, story ids), and
 * `queue __complete -- WORDS…` (hidden), which the script calls for the candidates.
 */
import type { Command } from 'commander';
import { QueueError } from '../../domain/errors.js';

/** Add `queue completion` and the hidden `queue __complete` to `program` (what they do is in this file's header). */
export function register(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script: source <(queue completion bash)')
    .argument('<shell>', 'bash, zsh or fish')
    .action(async (shell: string) => {
      const { SHELLS, completionScript } = await import('../completion.js');
      if (!(SHELLS as readonly string[]).includes(shell)) throw new QueueError('usage', `no completion for "${shell}" (${SHELLS.join(', ')})`);
      process.stdout.write(completionScript(shell as (typeof SHELLS)[number]));
    });
  program
    .command('__complete', { hidden: true })
    .description('the candidates for a command line being typed (the completion scripts call this)')
    .argument('[words...]', 'the words after queue, the one being completed last')
    .action(async (words: string[]) => {
      const { complete } = await import('../completion.js');
      const ids = async (cwd?: string, file?: string) => {
        try {
          const { openQueue } = await import('../../app/open.js');
          return (await openQueue({ cwd, file })).stories.map((s) => s.id);
        } catch {
          // Outside a queue there is nothing to offer, and completion never prints an error.
          return [];
        }
      };
      const out = await complete(program, words, ids);
      if (out.length) process.stdout.write(`${out.join('\n')}\n`);
    });
}
