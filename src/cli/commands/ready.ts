/** `queue ready [--agent NAME] [--limit N] [--planning]`: stories that can be claimed now, best first;
 * with `--planning`, the stories whose work is to write stories (they need decomposition) instead. */
import type { Command } from 'commander';
import type { Diagnostic } from '../../domain/types.js';
import type { StoryJson } from '../../model/contract.js';
import { globals, human, open, positiveInt, printJson, sayWhereFrom } from '../context.js';

/** Add `queue ready` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  program
    .command('ready')
    .description('stories whose dependencies are done and that nobody holds, best first')
    .option('--agent <name>', 'only stories unassigned or assigned to this agent')
    .option('--limit <n>', 'at most this many')
    .option('--planning', 'stories that need decomposition (planning work) instead, which claim without an id never takes')
    .action(async (opts: { agent?: string; limit?: string; planning?: boolean }, cmd: Command) => {
      const limit = opts.limit === undefined ? Infinity : positiveInt(opts.limit, '--limit');
      const g = globals(cmd);
      const [{ openReady }, { diagnosticJson }, { assertAgentName }, { askedAgent }] = await Promise.all([
        import('../../app/open.js'),
        import('../../model/contract.js'),
        import('../../dialect/agent-name.js'),
        import('../../app/agent.js'),
      ]);
      // The agent a claim would act as (`--agent`, `QUEUE_AGENT`, `git config queue.agent`); a name no
      // claim would take is refused here too (`claim` says the same): ready answers for claims.
      const asked = await askedAgent(opts.agent, g.C ?? process.cwd());
      if (asked !== undefined) assertAgentName(asked, 'agent name');
      const answer = opts.planning ? await planning(cmd, asked, limit) : await openReady({ cwd: g.C, file: g.file, shared: true, offline: g.offline === true }, asked, limit);
      const aside = answer.aside;
      if (g.json) {
        printJson({ stories: answer.stories, ...(opts.planning ? {} : { aside, atLimit: answer.atLimit }), diagnostics: answer.diagnostics.map(diagnosticJson) });
        return;
      }
      // Ready, but never taken by a claim without an id: said beside whatever follows.
      const besides = () => {
        if (aside.length) process.stdout.write(`also ready, taken only by id (check boxes beside the file's main form): ${aside.join(', ')}\n`);
      };
      // `--planning` opened the queue with open(), which said it already.
      if (!opts.planning) await sayWhereFrom(answer.diagnostics);
      if (answer.stories.length === 0) {
        // A file queue found no story in says so, with where, rather than "nothing is ready".
        const none = answer.diagnostics.filter((d) => d.code === 'no_stories' || d.code === 'conflict');
        if (none.length) {
          const { formatDiagnostic } = await human();
          for (const d of none) process.stderr.write(`${formatDiagnostic(d)}\n`);
        } else if (answer.atLimit) {
          const { held, limit } = answer.atLimit;
          process.stdout.write(`${asked} holds ${held.join(', ')} (limit ${limit}): finish or release ${held.length === 1 ? 'it' : 'one'} before taking another\n`);
          return;
        } else if (aside.length) process.stdout.write('no story is ready to be taken without an id\n');
        else process.stdout.write(opts.planning ? 'no story needs decomposition\n' : 'no story is ready (queue blocked shows why)\n');
        besides();
        return;
      }
      const { c, clip, colorStatus, table } = await human();
      const rows = answer.stories.map((s) => [
        c().bold(s.id),
        colorStatus(s.status, clip(s.rawStatus || s.status, 24)),
        s.claimant ?? '',
        clip(s.title, 60),
        s.deps.length ? c().dim(`← ${s.deps.join(', ')}`) : '',
      ]);
      process.stdout.write(table(rows, [opts.planning ? 'PLANNING' : 'READY', 'STATUS', 'CLAIMANT', 'TITLE', 'DEPENDS ON']));
      besides();
    });
}

/** `queue ready --planning`'s answer, from a full read (the index keeps only ready stories): the
 * stories that need decomposition and could be taken now, best first; `agent` keeps those unassigned
 * or assigned to it. */
async function planning(cmd: Command, agent: string | undefined, limit: number): Promise<{ stories: StoryJson[]; aside: string[]; atLimit: null; diagnostics: Diagnostic[] }> {
  const q = await open(cmd, false, true);
  const [{ rankPlanning }, { storyJson }, { loadConfig }] = await Promise.all([import('../../model/rank.js'), import('../../model/contract.js'), import('../../app/locate.js')]);
  const stories = rankPlanning(q.graph, agent, loadConfig(q.root).config.agents)
    .slice(0, limit)
    .map((s) => ({ ...storyJson(s, q.graph), needsDecomposition: true }));
  return { stories, aside: [], atLimit: null, diagnostics: q.diagnostics };
}
