/**
 * Who is acting, asked the one way every command asks: `--agent`, else `QUEUE_AGENT`, else
 * `git config queue.agent` (the clone's, the user's or the system's configuration, as git reads
 * it). `queue ready` answers for the agent `queue claim` would act as, so both ask here.
 */
import { Git } from '../git/git.js';

/**
 * `git config queue.agent` as git reads it in the repository holding `dir` (any directory of it),
 * trimmed; undefined when it is unset or empty, or `dir` is in no repository. One git process, run
 * without the git library, so a read that asks stays light.
 */
export async function configuredAgent(dir: string): Promise<string | undefined> {
  const out = await new Git(dir)
    .bytes(['config', '--get', 'queue.agent'])
    .then((b) => b.toString('utf8').trim())
    .catch(() => '');
  return out === '' ? undefined : out;
}

/** The agent a command acts or answers for: `flag` (`--agent`), else `QUEUE_AGENT` (set and not
 * blank), else {@link configuredAgent} in `dir`; undefined when none says. Not checked
 * (`dialect/agent-name.ts`). */
export async function askedAgent(flag: string | undefined, dir: string): Promise<string | undefined> {
  const env = process.env.QUEUE_AGENT;
  return flag ?? (env?.trim() ? env : undefined) ?? (await configuredAgent(dir));
}
