/**
 * `queue prompt [ID] [--agent NAME]`: the instructions an agent needs to work a story, as Markdown
 * on stdout (the claiming rules as this repository enforces them, the loop, and the story with its
 * story file, checklist, handoffs and what its dependencies left). Without ID: the story `queue
 * claim` would pick for the agent, not claimed. `--json`: the parts as one document.
 */
import type { Command } from 'commander';
import { globals, printJson } from '../context.js';

/** Add `queue prompt` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  program
    .command('prompt')
    .description('the instructions an agent needs to work a story (without ID: the one claim would pick), as Markdown')
    .argument('[id]', 'story id')
    .option('--agent <name>', 'who the prompt is for (default: $QUEUE_AGENT, then git config queue.agent)')
    .action(async (id: string | undefined, opts: { agent?: string }, cmd: Command) => {
      const g = globals(cmd);
      const { buildPrompt, promptAgent } = await import('../../app/prompt.js');
      const source = { cwd: g.C, file: g.file, offline: g.offline === true };
      const p = await buildPrompt(source, { id, agent: await promptAgent(source, opts.agent) });
      if (g.json) {
        const { markdown, ...parts } = p;
        printJson({ ...parts, markdown });
        return;
      }
      process.stdout.write(p.markdown);
    });
}
