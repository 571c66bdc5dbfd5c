/** `queue blocked`: stories that are not ready, with what each waits on. */
import type { Command } from 'commander';
import { globals, human, open, printJson } from '../context.js';

/** Add `queue blocked` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  program
    .command('blocked')
    .description('stories waiting on dependencies or held, and why')
    .action(async (_opts: unknown, cmd: Command) => {
      const q = await open(cmd, false, true);
      const { diagnosticJson, storyJson } = await import('../../model/contract.js');
      const blocked = q.graph.blocked();
      if (globals(cmd).json) {
        printJson({
          stories: blocked.map((b) => ({
            ...storyJson(b.story, q.graph),
            waitingOn: b.waitingOn,
            hold: b.hold,
            reason: b.reason,
            inCycle: b.inCycle,
            children: b.children,
            planning: b.planning,
            duplicate: b.duplicate,
            unclaimable: b.unclaimable,
          })),
          diagnostics: q.diagnostics.map(diagnosticJson),
        });
        return;
      }
      const { c, clip, table } = await human();
      if (blocked.length === 0) {
        process.stdout.write('nothing is blocked\n');
        return;
      }
      const why = (b: (typeof blocked)[number]) =>
        b.inCycle
          ? c().red('on a dependency cycle')
          : b.duplicate
            ? c().red('written in more than one place (queue validate says where): no write edits it until one place is the story')
            : b.unclaimable
              ? c().red('its section has no section beside it saying in progress: add one for queue to claim it')
              : b.hold
                ? c().red(`held${b.reason ? `: ${b.reason}` : ' (no dependencies to wait for)'}`)
                : b.waitingOn.length
                  ? `waits on ${b.waitingOn.join(', ')}`
                  : b.children.length
                    ? `waits on its children ${b.children.join(', ')}`
                    : b.planning
                      ? 'needs decomposition (queue ready --planning)'
                      : 'dependencies done: ready to unblock';
      process.stdout.write(
        table(
          blocked.map((b) => [c().bold(b.story.id), clip(b.story.title, 50), why(b)]),
          ['BLOCKED', 'TITLE', 'WHY'],
        ),
      );
    });
}
