import { describe, expect, it } from 'vitest';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { git, queue, remoteFile, setup } from './repos.js';

const HEAD = '| Status | Story | Description | Depends On |\n|---|---|---|---|\n';
const file = `${HEAD}| [IN PROGRESS: A] | **S-0** | zero | None |\n| [IN PROGRESS: B] | **S-1** | one | None |\n| [ ] | **S-2** | two | None |\n`;
const threeHoursAgo = new Date(Date.now() - 3 * 3600_000).toISOString();

describe('leases from git history', () => {
  it('stale lists claims set before the lease, a renewal refreshes one, --release frees the rest in one commit', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': file }, 1, { GIT_COMMITTER_DATE: threeHoursAgo, GIT_AUTHOR_DATE: threeHoursAgo });
    const c = clones[0];
    const first = await queue(c, ['stale', '--json']);
    expect(first.json.stories.map((s: any) => [s.id, s.claimant])).toEqual([
      ['S-0', 'A'],
      ['S-1', 'B'],
    ]);
    expect(first.json.stories[0].ageSeconds).toBeGreaterThan(3 * 3600 - 60);
    expect((await queue(c, ['stale', '--older-than', '4h', '--json'])).json.stories).toEqual([]);

    const renew = await queue(c, ['claim', 'S-0', '--renew', '--agent', 'A', '--json']);
    expect(renew.code).toBe(0);
    expect(git(remote, 'diff', 'main~1', 'main')).toBe(''); // a renewal changes no content
    expect(git(remote, 'log', '-1', '--format=%(trailers:key=Queue-Op,valueonly)', 'main').trim()).toBe('renew');
    expect((await queue(c, ['stale', '--json'])).json.stories.map((s: any) => s.id)).toEqual(['S-1']);
    expect((await queue(c, ['claim', 'S-1', '--renew', '--agent', 'A', '--json'])).json.error.code).toBe('not_claimant');

    const rel = await queue(c, ['stale', '--release', '--agent', 'janitor', '--json']);
    expect([rel.code, rel.json.released]).toEqual([0, ['S-1']]);
    expect(remoteFile(remote)).toContain('| [ ] | **S-1** | one | None |');
    expect(remoteFile(remote)).toContain('| [IN PROGRESS: A] | **S-0** |');
    expect(git(remote, 'log', '-1', '--format=%(trailers:key=Queue-Force,valueonly)', 'main').trim()).toBe('stale');
  }, 60_000);

  it('a lease is the time of the claim event: later edits of the row (a dependency, a render) leave it as old as it was', async () => {
    const { clones } = setup({ 'WORK_QUEUE.md': file }, 1, { GIT_COMMITTER_DATE: threeHoursAgo, GIT_AUTHOR_DATE: threeHoursAgo });
    const c = clones[0];
    // The holder edits its row now: a new dependency on S-2.
    const dep = await queue(c, ['dep', 'add', 'S-0', 'S-2', '--agent', 'A', '--json']);
    expect(dep.code).toBe(0);
    const stale = await queue(c, ['stale', '--json']);
    expect(stale.json.stories.map((s: any) => s.id)).toEqual(['S-0', 'S-1']);
    expect(stale.json.stories[0].ageSeconds).toBeGreaterThan(3 * 3600 - 60);
    // A new claim is young: B releases S-1 and claims it again.
    expect((await queue(c, ['release', 'S-1', '--agent', 'B', '--json'])).code).toBe(0);
    expect((await queue(c, ['claim', 'S-1', '--agent', 'B', '--json'])).code).toBe(0);
    expect((await queue(c, ['stale', '--json'])).json.stories.map((s: any) => s.id)).toEqual(['S-0']);
  }, 60_000);

  it('stale fetches under the clone lock, as claims do: it waits while another queue process holds it', async () => {
    const { clones } = setup({ 'WORK_QUEUE.md': file }, 1);
    const c = clones[0];
    // A claim in this clone holds the lock (proper-lockfile: a directory, stale after 3 s untouched);
    // two fetches at once would fail on each other's lock of refs/remotes/origin/main.
    const held = join(c, '.git', 'queue.lock');
    mkdirSync(held);
    let exited = false;
    const run = queue(c, ['stale', '--json']).then((r) => ((exited = true), r));
    await new Promise((r) => setTimeout(r, 1_500));
    const waited = !exited;
    rmSync(held, { recursive: true });
    const r = await run;
    expect(waited).toBe(true);
    expect([r.code, r.stderr]).toEqual([0, '']);
  }, 60_000);
});
