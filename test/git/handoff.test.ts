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
});
