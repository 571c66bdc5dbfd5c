/**
 * The prompt an agent started by `queue run` gets: `queue prompt ID` for its agent name
 * (`app/prompt.ts` buildPrompt: the rules, the loop, the story file, the handoffs to it, what its
 * dependencies left), read in the worker's worktree, and a short section on how the runner works.
 */
import { openQueue } from '../app/open.js';
import { buildPrompt } from '../app/prompt.js';

/** How the work lands under the runner: the agent commits, its `queue done` is published after the commits. */
export function runnerNotes(id: string, agent: string, attempt: number, attempts: number): string {
  return [
    '## Working under `queue run`',
    '',
    `You are ${agent}, started by \`queue run\` on story ${id} (attempt ${attempt} of ${attempts}); you hold its claim, and the runner renews it while you work.`,
    '',
    '- Work in this directory, a git worktree of its own. Commit your work here; do not push: the runner lands your commits on the shared branch.',
    `- When the story is finished and committed, run \`queue done ${id}\` and exit 0. The runner publishes the done right after your commits, never before.`,
    `- If you find a blocker: \`queue add --id NEW --title …\`, \`queue dep add ${id} NEW\`, then exit; the runner takes the blocker next.`,
    '- Change the queue file only through `queue` commands, never by hand: an edit of it in your commits will not land.',
    '- Exiting without `queue done` counts as a failed attempt: the next agent gets a handoff with what you left.',
    '',
  ].join('\n');
}

/**
 * The prompt for `agent` on story `id`, read in `worktree`, which the runner has just checked out at
 * the shared tip: its working file is the tip's, so nothing is fetched again.
 */
export async function promptFor(worktree: string, id: string, agent: string, attempt: number, attempts: number): Promise<string> {
  const p = await buildPrompt(await openQueue({ cwd: worktree, workspace: true }), { id, agent });
  return `${p.markdown.replace(/\n*$/, '\n\n')}${runnerNotes(id, agent, attempt, attempts)}`;
}
