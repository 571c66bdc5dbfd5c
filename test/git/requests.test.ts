import { describe, expect, it } from 'vitest';
import { Git } from '../../src/git/git.js';
import { publishRequest, servedOutcome, type PublishedRequest } from '../../src/git/requests.js';
import { settleRequest } from '../../src/git/transaction.js';
import { renameSync } from 'node:fs';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, gitEnv, queue, remoteFile, setup } from './repos.js';

const HEAD = '| Status | Story | Description | Depends On |\n|--------|-------|-------------|------------|\n';
const stories = (n: number) => `# Queue\n\n${HEAD}${Array.from({ length: n }, (_, i) => `| [ ] | **S-${i}** | story ${i} | None |`).join('\n')}\n`;

/** A request published from `clone` as a requester would after losing a race. */
async function publish(clone: string, agent: string, id?: string): Promise<PublishedRequest> {
  git(clone, 'fetch', '-q', 'origin');
  const tip = git(clone, 'rev-parse', 'origin/main').trim();
  return publishRequest(new Git(clone), 'origin', tip, { op: 'claim', agent, ...(id ? { id } : {}) });
}

describe('group commit over a real remote', () => {
  it('a claim serves a pending request in its own commit; the requester finds its outcome there', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': stories(3) }, 2);
    const [a, b] = clones;
    const mine = await publish(a, 'Waiting');
    expect(git(remote, 'for-each-ref', '--format=%(refname)', 'refs/queue').trim()).toBe(`refs/queue/requests/${mine.request.id}`);

    // B finds a request younger than its patience: it waits behind it, then (its requester never
    // racing) races itself and serves it.
    const r = await queue(b, ['claim', '--agent', 'Dev B', '--json']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.json.story).toMatchObject({ id: 'S-0', claimant: 'Dev B' });
    expect(git(remote, 'log', '-1', '--format=%B', 'main')).toBe(
      `queue: claim S-0 (Dev B), S-1 (Waiting)\n\nQueue-Op: claim\nQueue-Story: S-0\nQueue-Agent: Dev B\nQueue-Story: S-1\nQueue-Agent: Waiting\nQueue-Request: ${mine.request.id} S-1\n\n`,
    );
    // One commit, two one-line changes; the request is gone with it.
    const diff = git(remote, 'diff', '--unified=0', 'main~1', 'main')
      .split('\n')
      .filter((l) => /^[-+][^-+]/.test(l));
    expect(diff).toEqual([
      '-| [ ] | **S-0** | story 0 | None |',
      '-| [ ] | **S-1** | story 1 | None |',
      '+| [IN PROGRESS: Dev B] | **S-0** | story 0 | None |',
      '+| [IN PROGRESS: Waiting] | **S-1** | story 1 | None |',
    ]);
    expect(git(remote, 'for-each-ref', 'refs/queue')).toBe('');

    // The requester's side: the commit that served it, and the story as it reads there.
    git(a, 'fetch', '-q', 'origin');
    const tip = git(a, 'rev-parse', 'origin/main').trim();
    const served = await servedOutcome(new Git(a), { root: a, file: 'WORK_QUEUE.md', remote: 'origin', branch: 'main' }, mine, tip);
    expect(served?.commit).toBe(tip);
    expect(served?.decision.id).toBe('S-1');
    expect(served?.before.graph.byId.get('S-1')?.claimant).toBe('Waiting');

    // The hooks' judge accepts the group commit, and the log gives each claim to its own agent.
    expect((await queue(b, ['validate', '--range', 'main~1..main'])).code).toBe(0);
    const log = await queue(b, ['log', '--json']);
    const claims = log.json.events.filter((e: { kind: string }) => e.kind === 'claim').map((e: { story: string; agent: string }) => [e.story, e.agent]);
    expect(claims).toEqual(
      expect.arrayContaining([
        ['S-0', 'Dev B'],
        ['S-1', 'Waiting'],
      ]),
    );
  }, 60_000);

  it('a served request is a claim held even when the remote stops answering as the requester gives up: read again, never reported as failed', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': stories(3) }, 2);
    const [a, b] = clones;
    const mine = await publish(a, 'Waiting');
    expect((await queue(b, ['claim', '--agent', 'Dev B', '--json'])).code).toBe(0);
    expect(git(remote, 'log', '-1', '--format=%(trailers:key=Queue-Request,valueonly)', 'main').trim()).toBe(`${mine.request.id} S-1`);
    // The remote goes away while the requester stops: its withdrawal cannot reach it, nor its next
    // read. It comes back a moment later; the requester reads the tip again and finds its claim.
    renameSync(remote, `${remote}.away`);
    setTimeout(() => renameSync(`${remote}.away`, remote), 400);
    const ref = { root: a, file: 'WORK_QUEUE.md', remote: 'origin', branch: 'main' };
    const served = await settleRequest(new Git(a), ref, join(a, '.git'), 'origin', mine);
    expect(served?.decision.id).toBe('S-1');
    expect(served?.commit).toBe(git(remote, 'rev-parse', 'main').trim());

    // When the remote stays away, the outcome is said to be unknown, not a failure.
    const again = await publish(a, 'Other');
    renameSync(remote, `${remote}.away`);
    const unknown = await settleRequest(new Git(a), ref, join(a, '.git'), 'origin', again).catch((e) => e);
    renameSync(`${remote}.away`, remote);
    expect(unknown.code).toBe('git');
    expect(unknown.details.outcome).toBe('unknown');
  }, 60_000);

  it('a group commit leaves the generated blocks as render would: render --check is clean on it', async () => {
    const text = `# Queue\n\n<!-- queue:ready -->\n<!-- /queue:ready -->\n\n<!-- queue:progress -->\n<!-- /queue:progress -->\n\n${HEAD}${Array.from({ length: 3 }, (_, i) => `| [ ] | **S-${i}** | story ${i} | None |`).join('\n')}\n`;
    const { remote, clones } = setup({ 'WORK_QUEUE.md': text }, 2);
    const [a, b] = clones;
    expect((await queue(b, ['render', '--commit'])).code).toBe(0);
    await publish(a, 'Waiting');
    const r = await queue(b, ['claim', '--agent', 'Dev B', '--json']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(git(remote, 'log', '-1', '--format=%s', 'main').trim()).toBe('queue: claim S-0 (Dev B), S-1 (Waiting)');
    // Neither claimed story is offered as ready any more, in the commit that claimed both.
    const after = remoteFile(remote, 'WORK_QUEUE.md');
    expect(after).toContain(
      '<!-- queue:ready -->\n\n| Story | Description | Depends On |\n|-------|-------------|------------|\n| **S-2** | story 2 | None |\n\n<!-- /queue:ready -->',
    );
    git(b, 'pull', '-q', '--ff-only', 'origin', 'main');
    expect((await queue(b, ['render', '--check'])).code).toBe(0);
  }, 60_000);

  it('a request that cannot be served stays pending, as does one it cannot read; expired ones are deleted, never served', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': stories(3) }, 2);
    const [a, b] = clones;
    await queue(b, ['claim', 'S-2', '--agent', 'Holder', '--json']);
    // A request for a story already taken; one whose message this queue cannot read (a forged agent
    // name, or a newer version's format); the same dated far in the future; one 30 s old.
    const taken = await publish(a, 'Late', 'S-2');
    const tip = git(a, 'rev-parse', 'origin/main').trim();
    const tree = `${tip}^{tree}`;
    const forged = git(a, 'commit-tree', tree, '-m', 'queue request: claim S-0 (x)', '-m', '{"v":1,"op":"claim","agent":"x\\nQueue-Agent: y"}').trim();
    const at = (ms: number) => `${ms.toString(16).padStart(12, '0')}0000000a`;
    const expired = git(a, 'commit-tree', tree, '-m', 'queue request: claim (next ready) (Gone)', '-m', '{"v":1,"op":"claim","agent":"Gone"}').trim();
    const unread = at(Date.now());
    git(
      a,
      'push',
      '-q',
      'origin',
      `${forged}:refs/queue/requests/${unread}`,
      `${forged}:refs/queue/requests/${'f'.repeat(20)}`,
      `${expired}:refs/queue/requests/${at(Date.now() - 30_000)}`,
    );

    // Wait out the patience given to the live request's requester, which never comes.
    const r = await queue(b, ['claim', '--agent', 'Dev B', '--json']);
    expect(r.json.story.id).toBe('S-0');
    expect(git(remote, 'log', '-1', '--format=%s', 'main')).toBe('queue: claim S-0 (Dev B)\n');
    expect(remoteFile(remote)).not.toMatch(/Gone|Late|\| x/);
    expect(git(remote, 'for-each-ref', '--format=%(refname)', 'refs/queue').trim().split('\n').sort()).toEqual(
      [`refs/queue/requests/${taken.request.id}`, `refs/queue/requests/${unread}`].sort(),
    );
  }, 60_000);

  it('right after a group commit a fresh claim joins the requests (and, the oldest, races at once); after an old one it races', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': stories(3) }, 1);
    const [a] = clones;
    // The remote's update hook logs every ref update it is asked for: what each push did.
    const log = join(remote, 'updates.log');
    writeFileSync(join(remote, 'hooks', 'update'), `#!/bin/sh\necho "$1 $3" >> "${log}"\n`);
    chmodSync(join(remote, 'hooks', 'update'), 0o755);
    const groupTip = (env: Record<string, string>) => {
      git(a, 'pull', '-q', '--ff-only', 'origin', 'main');
      gitEnv(a, env, 'commit', '-q', '--allow-empty', '-m', 'queue: claim S-9 (X), S-8 (Y)', '-m', 'Queue-Request: 0123456789abcdef0123 S-8');
      git(a, 'push', '-q', 'origin', 'HEAD:main');
      writeFileSync(log, '');
    };
    const requestUpdates = () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('refs/queue/'));

    // A group commit a minute old says nothing about now: a plain race, one push of main.
    groupTip({ GIT_COMMITTER_DATE: new Date(Date.now() - 60_000).toISOString() });
    const old = await queue(a, ['claim', '--agent', 'Dev A', '--json']);
    expect([old.code, old.json.story.id, old.json.attempts]).toEqual([0, 'S-0', 1]);
    expect(requestUpdates()).toEqual([]);

    // One just made: the claim publishes a request, finds itself the oldest, races, and its push
    // deletes its own request with the branch update. Dated 2.5 s ahead (git keeps whole seconds),
    // so that the claim's process has 4.5 s or more, not 2 to 3, to read the tip within the
    // group-commit window of 3 s on either side of now, however loaded the machine.
    groupTip({ GIT_COMMITTER_DATE: new Date(Date.now() + 2_500).toISOString() });
    const r = await queue(a, ['claim', '--agent', 'Dev B', '--json']);
    expect([r.code, r.json.story.id, r.json.attempts]).toEqual([0, 'S-1', 2]);
    const updates = requestUpdates();
    expect(updates).toHaveLength(2);
    expect(updates[0]).toMatch(/^refs\/queue\/requests\/[0-9a-f]{20} (?!0{40})[0-9a-f]{40}$/);
    expect(updates[1]).toBe(`${updates[0].split(' ')[0]} ${'0'.repeat(40)}`);
    expect(git(remote, 'for-each-ref', 'refs/queue')).toBe('');
    expect(git(remote, 'log', '-1', '--format=%s', 'main')).toBe('queue: claim S-1 (Dev B)\n');

    // With group commit turned off in the config, the same tip leads to a plain race.
    writeFileSync(join(a, 'queue.config.json'), '{"groupCommit": false}\n');
    groupTip({ GIT_COMMITTER_DATE: new Date(Date.now() + 2_500).toISOString() });
    const off = await queue(a, ['claim', '--agent', 'Dev C', '--json']);
    expect([off.code, off.json.story.id, off.json.attempts]).toEqual([0, 'S-2', 1]);
    expect(requestUpdates()).toEqual([]);
  }, 60_000);

  it('a remote that refuses refs/queue/* or atomic pushes: the claim falls back to the plain race', async () => {
    /** A remote whose tip is a group commit just made, so that a fresh claim joins the requests. */
    const busy = (configure: (remote: string) => void) => {
      const { remote, clones } = setup({ 'WORK_QUEUE.md': stories(3) }, 1);
      const [a] = clones;
      // Dated ahead, as above: within the group-commit window when the claim reads it.
      const date = new Date(Date.now() + 2_500).toISOString();
      gitEnv(a, { GIT_COMMITTER_DATE: date }, 'commit', '-q', '--allow-empty', '-m', 'queue: claim S-9 (X), S-8 (Y)', '-m', 'Queue-Request: 0123456789abcdef0123 S-8');
      git(a, 'push', '-q', 'origin', 'HEAD:main');
      configure(remote);
      return { remote, a };
    };
    const refusing = (remote: string) => {
      // A server that takes no refs outside branches and tags: the request is refused at publishing.
      writeFileSync(join(remote, 'hooks', 'update'), '#!/bin/sh\ncase "$1" in refs/queue/*) echo "custom refs are not allowed" >&2; exit 1;; esac\n');
      chmodSync(join(remote, 'hooks', 'update'), 0o755);
    };
    // A server without atomic pushes: the request is published, but the push serving it is refused.
    const nonAtomic = (remote: string) => git(remote, 'config', 'receive.advertiseAtomic', 'false');
    for (const configure of [refusing, nonAtomic]) {
      // Made right before the claim: the group commit at the tip is seconds old.
      const { remote, a } = busy(configure);
      const r = await queue(a, ['claim', '--agent', 'Dev A', '--json']);
      expect([r.code, r.stderr, r.json.story.id]).toEqual([0, '', 'S-0']);
      expect(remoteFile(remote)).toContain('| [IN PROGRESS: Dev A] | **S-0** |');
      expect(git(remote, 'log', '-1', '--format=%s', 'main')).toBe('queue: claim S-0 (Dev A)\n');
      // The request published on the non-atomic remote was withdrawn before racing.
      expect(git(remote, 'for-each-ref', 'refs/queue')).toBe('');
    }
  }, 60_000);
});
