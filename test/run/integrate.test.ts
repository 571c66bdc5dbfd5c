/**
 * Landing a worker's commits (src/run/integrate.ts) in real git: commits that change the queue
 * file by hand are never landed (the queue changes only through queue's transactions, which the
 * claim rules judge); other work lands on the shared branch.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { integrate } from '../../src/run/integrate.js';
import { git, remoteFile, setup } from '../git/repos.js';

const QUEUE = [
  '| Status | Story | Description | Depends On |',
  '|---|---|---|---|',
  '| [IN PROGRESS: Human] | **V-1** | Someone else’s | None |',
  '| [IN PROGRESS: W-1] | **S-1** | Mine | None |',
  '',
].join('\n');

/** A clone with a worktree on its own branch at the shared tip, as a runner's worker has. */
function worker() {
  const { remote, clones } = setup({ 'WORK_QUEUE.md': QUEUE, 'src.txt': 'base\n' }, 1);
  const clone = clones[0];
  const wt = join(clone, '.queue-run', 'w-1');
  git(clone, 'worktree', 'add', '-q', '-b', 'queue-run-w-1', wt, 'origin/main');
  return { remote, clone, wt, common: join(clone, '.git') };
}

describe('landing a worker’s commits', () => {
  it('refuses work that edits the queue file by hand, and lands the rest', async () => {
    const w = worker();
    writeFileSync(join(w.wt, 'WORK_QUEUE.md'), QUEUE.replace('[IN PROGRESS: Human]', '[DONE]'));
    writeFileSync(join(w.wt, 'src.txt'), 'work\n');
    git(w.wt, 'commit', '-q', '-am', 'work on S-1, and V-1 marked done by hand');
    const target = { worktree: w.wt, common: w.common, remote: 'origin', branch: 'main', mode: 'rebase' as const, story: 'S-1', maxAttempts: 3, guarded: ['WORK_QUEUE.md'] };
    const before = git(w.clone, 'ls-remote', w.remote, 'refs/heads/main');
    const refused = await integrate(target);
    expect(refused).toMatchObject({ kind: 'guarded', files: ['WORK_QUEUE.md'] });
    expect(git(w.clone, 'ls-remote', w.remote, 'refs/heads/main')).toBe(before);
    expect(remoteFile(w.remote)).toBe(QUEUE);

    git(w.wt, 'reset', '-q', '--hard', 'origin/main');
    writeFileSync(join(w.wt, 'src.txt'), 'work\n');
    git(w.wt, 'commit', '-q', '-am', 'work on S-1');
    const landed = await integrate(target);
    expect(landed.kind).toBe('ok');
    expect(remoteFile(w.remote, 'src.txt')).toBe('work\n');
    expect(remoteFile(w.remote)).toBe(QUEUE);
  });
});
