/**
 * Handoffs end to end (issue 5, seed 002), with real git: `done --handoff` writes one for each story
 * the done unblocks, `claim` and `show` list the handoffs naming a story, `queue handoff` writes
 * one between two agents; everything under queue.config.json's deploymentDir.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, queue, setup } from './repos.js';

const QUEUE = [
  '| Status | Story | Description | Depends On |',
  '|---|---|---|---|',
  '| [IN PROGRESS: Dev 1] | **A** | api | None |',
  '| [BLOCKED] | **B** | client | A |',
  '| [ ] | **C** | other | None |',
  '',
].join('\n');

describe('handoffs', () => {
  it('done --handoff → claim and show list it; queue handoff between agents; all under deploymentDir', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': QUEUE, 'queue.config.json': '{"deploymentDir": "ops"}\n' }, 2);
    const [one, two] = clones;

    const done = await queue(one, ['done', 'A', '--agent', 'Dev 1', '--handoff', '--notes', 'API at /v2', '--next', 'read ops/api.md', '--json']);
    expect(done.code).toBe(0);
    expect(done.json.files).toHaveLength(1);
    const [path] = done.json.files as string[];
    expect(path).toMatch(/^ops\/handoffs\/\d{4}-\d{2}-\d{2}-dev-1-next-claimant-b\.md$/);
    expect(existsSync(join(one, 'deployment'))).toBe(false);
    // Committed with the done, on the remote.
    const text = git(remote, 'show', `main:${path}`);
    expect(text).toMatch(/^---\nfrom_agent: Dev 1\nto_agent: next claimant\n/);
    expect(text).toContain('API at /v2');
    expect(text).toContain('read ops/api.md');

    // Another clone claims B (its dependency is done) and is shown the handoff.
    const claim = await queue(two, ['claim', 'B', '--agent', 'Dev 2', '--json']);
    expect(claim.code).toBe(0);
    expect(claim.json.handoffs).toEqual([expect.objectContaining({ file: path, from: 'Dev 1', to: 'next claimant', notes: 'API at /v2' })]);
    const human = await queue(two, ['show', 'B']);
    expect(human.stdout).toContain(`handoff    ${path} Dev 1 → next claimant`);
    // A story no handoff names has none; nor has A, which B's handoff names only as the story completed:
    // a handoff queue wrote belongs to its `story` alone.
    expect((await queue(two, ['show', 'C', '--json'])).json.story.handoffs).toEqual([]);
    expect((await queue(two, ['show', 'A', '--json'])).json.story.handoffs).toEqual([]);

    // `queue handoff`: the acting agent defaults to --from.
    const h = await queue(two, ['handoff', '--from', 'Dev 2', '--to', 'Dev 3', '--story', 'B', '--notes', 'half done', '--json']);
    expect(h.code).toBe(0);
    expect(h.json.files[0]).toMatch(/^ops\/handoffs\/\d{4}-\d{2}-\d{2}-dev-2-dev-3-b\.md$/);
    expect(git(remote, 'log', '-1', '--format=%B', 'main')).toContain('Queue-Agent: Dev 2');
    const shown = (await queue(two, ['show', 'B', '--json'])).json.story.handoffs;
    expect(shown.map((x: { file: string }) => x.file).sort()).toEqual([path, h.json.files[0]].sort());
    expect(readdirSync(join(two, 'ops', 'handoffs')).sort()).toEqual([path, h.json.files[0]].map((p) => p.split('/').pop()).sort());
    expect(readFileSync(join(two, h.json.files[0]), 'utf8')).toContain('to_agent: Dev 3');
  });

  it('handoff --reassign hands the claim to --to in the same commit: the next agent finishes as the holder; only the holder may', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': QUEUE }, 2);
    const [one, two] = clones;
    // Another agent cannot give away Dev 1's claim.
    const stolen = await queue(two, ['handoff', '--from', 'Dev 2', '--to', 'Dev 2', '--story', 'A', '--reassign', '--json']);
    expect(stolen.json.error.code).toBe('not_claimant');
    const before = git(remote, 'rev-parse', 'main').trim();

    // Commits are judged by who wrote them: this clone writes as Dev 1, the holder.
    git(one, 'config', 'user.name', 'Dev 1');
    const h = await queue(one, ['handoff', '--from', 'Dev 1', '--to', 'Dev 2', '--story', 'A', '--reassign', '--notes', 'context ran out', '--json']);
    expect(h.code).toBe(0);
    expect(h.json.story).toMatchObject({ id: 'A', status: 'in_progress', claimant: 'Dev 2' });
    // One commit: the claim moved, and the handoff file beside it.
    expect(git(remote, 'show', '--name-only', '--format=%s', 'main').trim().split('\n')).toEqual([
      'queue: handoff A (Dev 1 → Dev 2), claim reassigned',
      '',
      'WORK_QUEUE.md',
      expect.stringMatching(/^deployment\/handoffs\/.*-dev-1-dev-2-a\.md$/),
    ]);
    expect(git(remote, 'show', 'main:WORK_QUEUE.md')).toContain('| [IN PROGRESS: Dev 2] | **A** | api | None |');
    // Dev 2's clone has not pulled: show and prompt read the shared tip, its handoff with it.
    expect(existsSync(join(two, 'deployment', 'handoffs'))).toBe(false);
    const shown = (await queue(two, ['show', 'A', '--json'])).json.story;
    expect([shown.claimant, shown.handoffs.map((x: { file: string }) => x.file)]).toEqual(['Dev 2', [expect.stringMatching(/^deployment\/handoffs\/.*-dev-1-dev-2-a\.md$/)]]);
    expect((await queue(two, ['prompt', 'A', '--agent', 'Dev 2'])).stdout).toContain('context ran out');
    // The claim rules accept it from the holder, as validate --range judges the commit.
    expect((await queue(one, ['validate', '--range', `${before}..main`, '--json'])).json.valid).toBe(true);
    // Dev 2 now holds A: it marks it done, and Dev 1 no longer can act on it.
    expect((await queue(one, ['done', 'A', '--agent', 'Dev 1', '--json'])).json.error.code).toBe('not_claimant');
    const done = await queue(two, ['done', 'A', '--agent', 'Dev 2', '--json']);
    expect([done.code, done.json.unblocked]).toEqual([0, ['B']]);
  });
});
