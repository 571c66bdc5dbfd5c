/**
 * Where a read (`queue ready`, `list`, `blocked`, `show`) takes the queue from, so that it never
 * offers a story the shared branch shows as taken without saying so:
 * - the shared branch's tip, fetched first (bounded in time), when the repository has a remote and
 *   the working file is as committed and pushed: what every agent's next claim will decide on;
 * - the working file, when it has changes of its own (uncommitted, or committed and not pushed), or
 *   offline: then a warning `local_changes` (not offline: writes decide on the shared branch, which
 *   lacks them), and `behind_remote` when the last fetched tip has queue commits it lacks;
 * - the last fetched tip, with a warning `fetch_failed`, when the remote does not answer in time.
 */
import { relative, sep } from 'node:path';
import type { Diagnostic } from '../domain/types.js';
import { Git } from '../git/git.js';
import { QueueError } from '../domain/errors.js';
import { fetchForRead } from '../git/transaction.js';
import { locateWrite } from './write.js';

/** How long a read waits for the remote before it reads the last fetched tip, in milliseconds. */
export const READ_FETCH_TIMEOUT_MS = 3000;

/** The bytes a read decides on, where they came from, and what it should say about that. */
export interface ReadSource {
  bytes: Buffer;
  from: 'tip' | 'working';
  /** The commit read, when `from` is `tip`. */
  commit: string | null;
  diagnostics: Diagnostic[];
}

const warning = (code: string, message: string, file: string): Diagnostic => ({ severity: 'warning', code, message, file, line: 1, column: 1 });

/**
 * The source of a read of the queue file at `path` (absolute) in repository `repo`, shown as
 * `shown`; null when the working file is all there is (no repository, no remote, a file outside
 * the repository or not on the shared branch). `working` reads the working file's bytes. Never
 * throws for git or the network: those become a warning and the working file or last tip.
 */
export async function readSource(repo: string | null, path: string, shown: string, working: () => Buffer, opts: { offline?: boolean } = {}): Promise<ReadSource | null> {
  if (!repo) return null;
  const rel = relative(repo, path).split(sep).join('/');
  if (rel.startsWith('..')) return null;
  // A QUEUE_BRANCH that is no branch name is the user's to mend, as a write says: never read past it.
  const where = await locateWrite({ cwd: repo, file: path }).catch((e: unknown) => {
    if (e instanceof QueueError && e.code === 'usage' && 'branch' in e.details) throw e;
    return null;
  });
  if (!where?.remote || !where.repo) return null;
  const git = new Git(repo);
  const tracking = `refs/remotes/${where.remote}/${where.branch}`;
  const shared = `${where.remote}/${where.branch}`;
  const [status, lastKnown] = await Promise.all([
    git.raw(['status', '--porcelain', '--', rel]).catch(() => ''),
    git.line(['rev-parse', '--verify', '--quiet', `${tracking}^{commit}`]).catch(() => null),
  ]);
  const unpushed = lastKnown ? (await git.line(['rev-list', '--count', `${lastKnown}..HEAD`, '--', rel]).catch(() => '0')) !== '0' : false;
  if (status.trim() !== '' || unpushed || opts.offline) {
    const diagnostics: Diagnostic[] = [];
    // A write decides on the shared branch, which lacks these changes: what is read here may differ.
    if (!opts.offline)
      diagnostics.push(
        warning(
          'local_changes',
          `read the working file, which has ${status.trim() ? 'changes not committed' : 'commits not pushed'}: claim, done and release decide on ${shared}, which lacks them`,
          shown,
        ),
      );
    if (lastKnown && (await git.line(['rev-list', '--count', `HEAD..${lastKnown}`, '--', rel]).catch(() => '0')) !== '0') {
      diagnostics.push(
        warning(
          'behind_remote',
          `${shared} has changes to ${rel} that this working file lacks (read here: ${status.trim() ? 'it has local changes' : unpushed ? 'it has commits not pushed' : 'offline'}); pull to see what others claimed`,
          shown,
        ),
      );
    }
    return { bytes: working(), from: 'working', commit: null, diagnostics };
  }
  const fetched = await fetchForRead(git, where, where.repo.common, READ_FETCH_TIMEOUT_MS);
  const tip = fetched.tip ?? fetched.lastKnown;
  const diagnostics = fetched.tip
    ? []
    : [warning('fetch_failed', `could not fetch ${shared} (${fetched.error}): read ${tip ? `the last fetched tip, ${tip.slice(0, 7)}` : 'the working file'}`, shown)];
  if (!tip) return { bytes: working(), from: 'working', commit: null, diagnostics };
  const bytes = await git.bytes(['cat-file', 'blob', `${tip}:${rel}`]).catch(() => null);
  if (bytes === null) return null;
  return { bytes, from: 'tip', commit: tip, diagnostics };
}
