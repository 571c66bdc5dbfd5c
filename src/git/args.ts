/**
 * Revisions and remotes from the user, made safe to hand to git: a revision or range is resolved to
 * commit ids first (`rev-parse --verify --end-of-options`), so what reaches `git log` or `ls-tree`
 * is an object id and never an option (`--output=…`), and a remote from queue.config.json must be
 * one `git remote` lists. A bad one is QueueError `usage` with git's message.
 */
import { QueueError } from '../domain/errors.js';
import { GitFailure, type Git } from './git.js';

/** The commit id `rev` names. Throws QueueError `usage` when it names no commit. */
export async function verifyRevision(git: Git, rev: string): Promise<string> {
  if (rev === '') throw new QueueError('usage', 'an empty revision');
  try {
    return await git.line(['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`]);
  } catch (e) {
    if (!(e instanceof GitFailure)) throw e;
    const why = e.stderr.replace(/exit code \d+\s*$/, '').trim() || 'not a revision';
    throw new QueueError('usage', `${JSON.stringify(rev)} is not a commit in this repository (git: ${why.split('\n')[0]})`, { revision: rev });
  }
}

/**
 * A revision or range as git understands it (`A..B`, `A...B`, either side empty for `HEAD`, or one
 * revision), with each revision replaced by the commit id it names: `<id>..<id>`, `<id>...<id>` or
 * `<id>`. Throws QueueError `usage` for a side that names no commit.
 */
export async function verifyRange(git: Git, range: string): Promise<string> {
  const m = /^(.*?)(\.\.\.?)(.*)$/.exec(range);
  if (!m) return verifyRevision(git, range);
  const [, a, dots, b] = m;
  if (a === '' && b === '') throw new QueueError('usage', `${JSON.stringify(range)} is not a range: write A..B`, { revision: range });
  const [from, to] = await Promise.all([verifyRevision(git, a || 'HEAD'), verifyRevision(git, b || 'HEAD')]);
  return `${from}${dots}${to}`;
}

/**
 * `remote` when it is a remote of the repository (`git remote`), else QueueError `usage` naming the
 * configured ones: queue.config.json's `remote` must name one.
 */
export async function verifyRemote(git: Git, remote: string): Promise<string> {
  const remotes = (await git.quiet(['remote'])).split('\n').filter(Boolean);
  if (remotes.includes(remote)) return remote;
  const known = remotes.length ? `the configured remotes are ${remotes.join(', ')}` : 'this repository has no remote';
  throw new QueueError(
    'usage',
    `queue.config.json: "remote" is ${JSON.stringify(remote)}, which is not a remote of this repository (${known}); set it to one, or to null for none`,
    {
      file: 'queue.config.json',
      key: 'remote',
    },
  );
}
