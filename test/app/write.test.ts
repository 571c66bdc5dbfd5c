/**
 * The core write API (`app/write.ts`, `app/stale.ts`, `app/render.ts`) called in-process, as the
 * CLI, the watcher and the hooks call it: real git, a bare remote and clones.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { locateWrite, resolveAgent, write } from '../../src/app/write.js';
import { staleClaims } from '../../src/app/stale.js';
import { renderWorking } from '../../src/app/render.js';
import { QueueError } from '../../src/domain/errors.js';
import { decide } from '../../src/edit/decide.js';
import { git, remoteFile, setup } from '../git/repos.js';
import { tempDir } from '../helpers.js';

const QUEUE = `# Queue

| Status | Story | Description | Depends On |
|--------|-------|-------------|------------|
| [ ] | **A** | first | None |
| [ ] | **B** | second | A |
`;

describe('core write API', () => {
  it('locates the shared branch and claims over the remote, then done releases the dependent', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': QUEUE }, 1);
    const [c] = clones;
    git(c, 'checkout', '-q', '-b', 'my-work');
    const where = await locateWrite({ cwd: c });
    expect([where.remote, where.branch, where.file]).toEqual(['origin', 'main', 'WORK_QUEUE.md']);

    const agent = await resolveAgent('Dev 2', where.root, where.config);
    const claimed = await write(where, { op: 'claim', agent, maxClaims: where.config.maxClaims });
    expect(claimed.story?.id).toBe('A');
    expect(claimed.story?.claimant).toBe('Dev 2');
    expect(claimed.commit).toBe(git(remote, 'rev-parse', 'main').trim());
    expect(remoteFile(remote)).toBe(QUEUE.replace('| [ ] | **A**', '| [IN PROGRESS: Dev 2] | **A**'));

    // An intent may be a function of the queue and the tip it was read at.
    let seenBase: string | null = null;
    const done = await write(where, (queue, base) => {
      seenBase = base;
      return decide(queue, { op: 'done', id: 'A', agent });
    });
    expect(seenBase).toBe(claimed.commit);
    expect(done.after.graph.byId.get('A')?.status.category).toBe('done');
    expect(git(remote, 'log', '-1', '--format=%s', 'main').trim()).toBe('queue: done A (Dev 2)');
  });

  it('with commit: false edits only the working file; a target outside a repository cannot commit', async () => {
    const dir = tempDir('queue-nogit-');
    writeFileSync(join(dir, 'WORK_QUEUE.md'), QUEUE);
    await expect(locateWrite({ cwd: dir })).rejects.toMatchObject({ code: 'usage' });
    const where = await locateWrite({ cwd: dir, commit: false });
    expect(where.repo).toBeNull();
    const out = await write(where, { op: 'block', id: 'A', agent: 'Dev 1', reason: 'waiting on keys' }, { commit: false });
    expect(out.commit).toBeNull();
    expect(readFileSync(join(dir, 'WORK_QUEUE.md'), 'utf8')).toBe(QUEUE.replace('| [ ] | **A**', '| [BLOCKED: waiting on keys] | **A**'));
    const refused = await write(where, { op: 'unblock', id: 'A', agent: 'Dev 1' }).catch((e) => e);
    expect(refused).toBeInstanceOf(QueueError);
    expect(refused.code).toBe('usage');
    expect(readFileSync(join(dir, 'WORK_QUEUE.md'), 'utf8')).toContain('[BLOCKED: waiting on keys]');
  });

  it('staleClaims reads a claim’s age from the commit that set it and releases it in one commit', async () => {
    const claimedAt = '2026-01-01T00:00:00Z';
    const { remote, clones } = setup({ 'WORK_QUEUE.md': QUEUE.replace('| [ ] | **A**', '| [IN PROGRESS: Dev 7] | **A**') }, 1, { GIT_COMMITTER_DATE: claimedAt });
    const where = await locateWrite({ cwd: clones[0] });
    const now = Date.parse(claimedAt) + 3 * 3600_000;
    const listed = await staleClaims(where, 2 * 3600_000, now);
    expect(listed.found.map((l) => [l.story.id, l.claimant, l.since])).toEqual([['A', 'Dev 7', Date.parse(claimedAt)]]);
    expect(listed.commit).toBeNull();
    expect(await staleClaims(where, 4 * 3600_000, now)).toMatchObject({ found: [] });

    const released = await staleClaims(where, 2 * 3600_000, now, 'Lead');
    expect(released.released).toEqual(['A']);
    expect(released.commit).toBe(git(remote, 'rev-parse', 'main').trim());
    expect(remoteFile(remote)).toBe(QUEUE);
  });

  it('staleClaims releases a story claimed by queue in the to-do form it had before the claim', async () => {
    const forms = '| Status | Story | Description | Depends On |\n|---|---|---|---|\n| OPEN | **A** | a | None |\n| OPEN | **B** | b | None |\n| **OPEN** | **C** | c | None |\n';
    const { remote, clones } = setup({ 'WORK_QUEUE.md': forms }, 1);
    const where = await locateWrite({ cwd: clones[0] });
    await write(where, { op: 'claim', id: 'C', agent: 'Dev 7', maxClaims: 1 });
    expect(remoteFile(remote)).toContain('**C**');
    expect(remoteFile(remote)).not.toBe(forms);
    const released = await staleClaims(where, 1, Date.now() + 3600_000, 'Lead');
    expect(released.released).toEqual(['C']);
    expect(remoteFile(remote)).toBe(forms);
  });

  it('renderWorking unblocks what its dependencies allow, writes the board the config asks for, and a second pass has nothing to do', async () => {
    const dir = tempDir('queue-render-');
    const text = `${QUEUE.replace('| [ ] | **A**', '| [DONE] | **A**').replace('| [ ] | **B**', '| [BLOCKED] | **B**')}| [IN PROGRESS: Dev 3] | **C** | third | None |\n`;
    writeFileSync(join(dir, 'WORK_QUEUE.md'), text);
    // No board yet: render makes none unless the config asks for one.
    const bare = await renderWorking(await locateWrite({ cwd: dir, commit: false }), 'queue', new Date(), { check: true });
    expect(bare.effects.filter((e) => e.kind === 'board')).toEqual([]);
    writeFileSync(join(dir, 'queue.config.json'), '{"statusBoard": true}\n');
    const where = await locateWrite({ cwd: dir, commit: false });
    const now = new Date('2026-11-22T10:00:00Z');
    const checked = await renderWorking(where, 'queue', now, { check: true });
    expect(checked.outcome).toBe('unchanged');
    expect(checked.effects).toContainEqual({ kind: 'unblock', id: 'B' });
    expect(readFileSync(join(dir, 'WORK_QUEUE.md'), 'utf8')).toBe(text);

    const first = await renderWorking(where, 'queue', now);
    expect(first.outcome).toBe('written');
    expect(readFileSync(join(dir, 'WORK_QUEUE.md'), 'utf8')).toBe(text.replace('| [BLOCKED] | **B**', '| [ ] | **B**'));
    const board = readFileSync(join(dir, 'deployment/status/current-status.md'), 'utf8');
    expect(board).toContain('## Dev 3 Status\n**Last Updated**: 2026-11-22 10:00\n**Current Task**: C — third\n');
    const second = await renderWorking(where, 'queue', now);
    expect(second.effects).toEqual([]);
  });
});
