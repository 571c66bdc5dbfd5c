/**
 * The library API (`src/index.ts`) as a harness embeds it, against the CLI: the same operations on
 * two identical remotes must publish the same commits, byte for byte (same trees, messages and, with
 * the clock and identity pinned, the same commit ids). Real git: bare remotes and clones.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { block, claim, done, openSession, QueueError, release, unblock } from '../../src/index.js';
import { git, queue, remoteFile, setup } from '../git/repos.js';
import { FIXTURES } from '../helpers.js';

const QUEUE = [
  '# Work Queue',
  '',
  '## Tier 1',
  '',
  '| Status | Story | Description | Depends On |',
  '|--------|-------|-------------|------------|',
  '| [ ] | **1-1** | Project skeleton | None |',
  '| [BLOCKED] | **1-2** | Parser | 1-1 |',
  '| [BLOCKED] | **1-3** | Writer | 1-1, 1-2 |',
  '',
  '## Completed Stories',
  '',
  '| Story | Title | Agent | Wave |',
  '|-------|-------|-------|------|',
  '| [DONE] **0-1** | Repository | Dev 9 | 0 |',
  '',
].join('\n');

const PINNED = { GIT_AUTHOR_DATE: '2026-12-01T10:00:00Z', GIT_COMMITTER_DATE: '2026-12-01T10:00:00Z' };
let saved: Record<string, string | undefined> = {};
beforeEach(() => {
  saved = Object.fromEntries(Object.keys(PINNED).map((k) => [k, process.env[k]]));
  Object.assign(process.env, PINNED);
});
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

/** Two bare remotes holding the same seed commit, and one clone of each with the same identity. */
function twins() {
  const a = setup({ 'WORK_QUEUE.md': QUEUE }, 1);
  const remoteB = join(a.dir, 'remote-b.git');
  git(a.dir, 'clone', '-q', '--bare', a.remote, remoteB);
  const cloneB = join(a.dir, 'clone-b');
  git(a.dir, 'clone', '-q', remoteB, cloneB);
  for (const c of [a.clones[0], cloneB]) {
    git(c, 'config', 'user.name', 'Dev 1');
    git(c, 'config', 'user.email', 'dev1@example.com');
  }
  return { cli: { clone: a.clones[0], remote: a.remote }, api: { clone: cloneB, remote: remoteB } };
}

const history = (remote: string) => git(remote, 'log', '--format=%H %T%n%B', 'main');

describe('the library API', () => {
  it('claim then done publishes the same commits as the CLI: the dependent released and the Completed log row, in the done commit', async () => {
    const { cli, api } = twins();
    expect((await queue(cli.clone, ['claim', '1-1', '--agent', 'Dev 1', '--json'], PINNED)).code).toBe(0);
    const cliDone = await queue(cli.clone, ['done', '1-1', '--agent', 'Dev 1', '--json'], PINNED);
    expect(cliDone.code).toBe(0);

    const s = await openSession({ cwd: api.clone, agent: 'Dev 1' });
    const claimed = await claim(s, { id: '1-1' });
    expect(claimed.changed).toBe(true);
    expect(claimed.effects).toEqual([{ kind: 'status', id: '1-1', to: 'in_progress', claimant: 'Dev 1' }]);
    const finished = await done(s, { id: '1-1' });
    expect(finished.effects).toEqual([
      { kind: 'status', id: '1-1', to: 'done' },
      { kind: 'log', id: '1-1' },
      { kind: 'unblock', id: '1-2' },
    ]);

    // The same commits, to the byte: ids, trees and messages.
    expect(history(api.remote)).toBe(history(cli.remote));
    expect(finished.commit).toBe(cliDone.json.commit);
    expect(cliDone.json.unblocked).toEqual(['1-2']);
    expect(cliDone.json.effects).toEqual(finished.effects);

    const file = remoteFile(api.remote);
    expect(file).toContain('| [DONE] | **1-1** | Project skeleton | None |');
    expect(file).toMatch(/\| \[ \] \| \*\*1-2\*\* \| Parser \| 1-1/);
    expect(file).toContain('| [BLOCKED] | **1-3** | Writer |');
    expect(file).toContain('| [DONE] **1-1** | Project skeleton | Dev 1 | 1 |'); // its own wave: level 1 in the graph
  });

  it('takes the claim limit from the config, and refuses with typed errors', async () => {
    const { api } = twins();
    const s = await openSession({ cwd: api.clone, agent: 'Dev 1' });
    await claim(s, { id: '1-1' });
    // maxClaims defaults to 1: a second claim is refused, whatever the caller passes.
    const second = await claim(s).catch((e) => e);
    expect(second).toBeInstanceOf(QueueError);
    expect(['claim_limit', 'no_ready_story']).toContain(second.code);
    const other = await openSession({ cwd: api.clone, agent: 'Dev 2' });
    const stolen = await release(other, { id: '1-1' }).catch((e) => e);
    expect(stolen).toBeInstanceOf(QueueError);
    expect(stolen.code).toBe('not_claimant');
  });

  it('a repeated claim by its holder changes nothing and commits nothing', async () => {
    const { api } = twins();
    const s = await openSession({ cwd: api.clone, agent: 'Dev 1' });
    const first = await claim(s, { id: '1-1' });
    const again = await claim(s, { id: '1-1' });
    expect(again.changed).toBe(false);
    expect(again.commit).toBeNull();
    expect(again.effects).toEqual([]);
    expect(git(api.remote, 'rev-parse', 'main').trim()).toBe(first.commit);
  });

  it('a write that asks for what already is makes no commit: a repeated block, unblocking a story only its dependencies hold', async () => {
    const { api } = twins();
    const s = await openSession({ cwd: api.clone, agent: 'Dev 1' });
    const tip = () => git(api.remote, 'rev-parse', 'main').trim();
    const first = await block(s, { id: '1-1', reason: 'waits on a key' });
    expect(first.changed).toBe(true);
    expect(tip()).toBe(first.commit);
    const again = await block(s, { id: '1-1', reason: 'waits on a key' });
    expect([again.changed, again.commit, again.effects]).toEqual([false, null, []]);
    // 1-2 is [BLOCKED] by its dependency alone: lifting a hold it does not have changes nothing.
    const lifted = await unblock(s, { id: '1-2' });
    expect([lifted.changed, lifted.commit]).toEqual([false, null]);
    expect(tip()).toBe(first.commit);
    // A different reason is a change.
    expect((await block(s, { id: '1-1', reason: 'waits on the vendor' })).changed).toBe(true);
  });

  it('in a queue whose sections state the status, a claim and a done say that they moved the story', async () => {
    const { clones } = setup({ 'WORK_QUEUE.md': readFileSync(join(FIXTURES, 'sections.md'), 'utf8') }, 1);
    const s = await openSession({ cwd: clones[0], agent: 'Dev 2' });
    const claimed = await claim(s, { id: 'SQ-6' });
    expect(claimed.effects).toEqual([
      { kind: 'status', id: 'SQ-6', to: 'in_progress', claimant: 'Dev 2' },
      { kind: 'move', id: 'SQ-6', from: 'Ready', to: 'In progress' },
    ]);
    const finished = await done(s, { id: 'SQ-6' });
    expect(finished.effects).toContainEqual({ kind: 'move', id: 'SQ-6', from: 'In progress', to: 'Done' });
    // A table story's section does not change with its status: no move.
    expect((await claim(await openSession({ cwd: twins().api.clone, agent: 'Dev 1' }), { id: '1-1' })).effects.map((e) => e.kind)).toEqual(['status']);
  });
});
