/**
 * What the git hooks check, with the same rules as every other path (`rules/check.ts`):
 * - `pre-commit`: the staged queue file against HEAD's;
 * - `pre-push`: every outgoing commit that changes the queue file (stdin: `<local ref> <local sha>
 *   <remote ref> <remote sha>` lines);
 * - `pre-receive` (in a bare repository): every pushed commit on the queue branch (stdin:
 *   `<old> <new> <ref>` lines), with the queue.config.json of the pushed tip.
 * Each returns the refusals as text lines naming the rule, the story, the line and the fix; an empty
 * list lets the operation go on.
 */
import { canonicalAgent, DEFAULTS, parseConfig, type QueueConfig } from '../domain/config.js';
import { loadConfig } from '../app/locate.js';
import { readQueue } from '../read/queue.js';
import { Git } from '../git/git.js';
import { judgeCommit, queueAt, rangeCommits } from '../git/history.js';
import { checkTransition, type Violation } from '../rules/check.js';

const ZERO = /^0+$/;

/** A refusal line: `WORK_QUEUE.md:12: steal 5-3: … Fix: …` (commit prefix when there is one). */
function refusal(v: Violation, commit?: string): string {
  return `${commit ? `${commit.slice(0, 7)} ` : ''}${v.file}:${v.line}: ${v.rule}${v.story ? ` ${v.story}` : ''}: ${v.message}. Fix: ${v.fix}`;
}

const errorsOf = (vs: Violation[]) => vs.filter((v) => v.severity === 'error');

/** `pre-commit` in a work tree at `root`. */
export async function preCommit(root: string): Promise<string[]> {
  const git = new Git(root);
  const { config } = loadConfig(root);
  const file = config.file;
  const staged = await git.line(['rev-parse', '-q', '--verify', `:${file}`]).catch(() => null);
  if (!staged) return [];
  const head = await git.line(['rev-parse', '-q', '--verify', `HEAD:${file}`]).catch(() => null);
  if (head === staged) return [];
  const after = await readQueue([{ file, text: await git.raw(['cat-file', 'blob', staged]) }]);
  const before = await queueAt(git, await git.line(['rev-parse', '-q', '--verify', 'HEAD']).catch(() => null), file);
  const ident = await git.line(['var', 'GIT_AUTHOR_IDENT']).catch(() => '');
  const m = /^(.*?) <([^>]*)>/.exec(ident);
  const agent = process.env.QUEUE_AGENT ?? ((await git.line(['config', '--get', 'queue.agent']).catch(() => '')) || null);
  const violations = checkTransition(before, after, { agent: agent ? canonicalAgent(config, agent) : null, author: m ? [m[2], m[1]] : null, config });
  return errorsOf(violations).map((v) => refusal(v));
}

/** `pre-push` in a work tree at `root`; `input` is the hook's stdin. */
export async function prePush(root: string, remote: string, input: string): Promise<string[]> {
  // queue's own transactions push commits it has just decided and proved; the server still judges them.
  if (process.env.QUEUE_IN_TRANSACTION === '1') return [];
  const git = new Git(root);
  const { config } = loadConfig(root);
  const out: string[] = [];
  for (const line of input.split('\n')) {
    const [, localSha, , remoteSha] = line.trim().split(/\s+/);
    if (!localSha || ZERO.test(localSha)) continue; // a deletion
    const range = remoteSha && !ZERO.test(remoteSha) ? [`${remoteSha}..${localSha}`] : [localSha, '--not', `--remotes=${remote}`];
    out.push(...(await judgeAll(git, range, config.file, config)));
  }
  return out;
}

/** `pre-receive` in a bare repository at `gitDir`; `input` is the hook's stdin. */
export async function preReceive(gitDir: string, input: string): Promise<string[]> {
  const git = new Git(gitDir);
  const head = await git.line(['symbolic-ref', '-q', 'HEAD']).catch(() => 'refs/heads/main');
  const out: string[] = [];
  for (const line of input.split('\n')) {
    const [oldSha, newSha, ref] = line.trim().split(/\s+/);
    if (!ref || !newSha || ZERO.test(newSha)) continue;
    const config = await pushedConfig(git, newSha);
    const branch = config.branch ? `refs/heads/${config.branch}` : head;
    if (ref !== branch) continue;
    const range = ZERO.test(oldSha) ? [newSha, '--not', '--all'] : [`${oldSha}..${newSha}`];
    out.push(...(await judgeAll(git, range, config.file, config)));
  }
  return out;
}

/** The queue.config.json of a pushed commit (defaults when it has none). */
async function pushedConfig(git: Git, rev: string): Promise<QueueConfig> {
  const text = await git.raw(['cat-file', 'blob', `${rev}:queue.config.json`]).catch(() => null);
  if (text === null) return { ...DEFAULTS, agents: {}, rules: {} };
  return parseConfig(text).config;
}

async function judgeAll(git: Git, range: string[], file: string, config: QueueConfig): Promise<string[]> {
  const out: string[] = [];
  for (const c of await rangeCommits(git, range)) {
    const judged = await judgeCommit(git, c, file, config);
    for (const v of errorsOf(judged.violations)) out.push(refusal(v, c.commit));
  }
  return out;
}
