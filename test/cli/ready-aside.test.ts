/**
 * What `queue ready` lists is what `queue claim` without an id takes: check boxes beside a table
 * (a checklist) are ready stories a claim takes only by id, so `ready` (from a full read and from
 * its index), the MCP-facing count of `stats` and `claim` agree, and each names them as `aside`.
 */
import { describe, expect, it } from 'vitest';
import { git, queue, setup } from '../git/repos.js';

const TEXT = [
  '# Queue',
  '',
  '## Sprint',
  '',
  '| Status | Story | Title | Depends On |',
  '|---|---|---|---|',
  '| [DONE] | **S-1** | Setup | None |',
  '| [ ] | **S-2** | Build | None |',
  '',
  '## Next',
  '',
  '- [ ] **T-1** Write docs',
  '- [ ] **T-2** Add tests',
  '',
].join('\n');

describe('ready lists what claim takes', () => {
  it('check boxes beside a table are aside: not listed, not counted, not taken without an id; named, and taken by id', async () => {
    const { clones } = setup({ 'WORK_QUEUE.md': TEXT }, 1);
    const c = clones[0];
    for (const pass of ['full read', 'index']) {
      const r = await queue(c, ['ready', '--json']);
      expect(r.code, pass).toBe(0);
      expect(
        r.json.stories.map((s: { id: string }) => s.id),
        pass,
      ).toEqual(['S-2']);
      expect(r.json.aside, pass).toEqual(['T-1', 'T-2']);
    }
    expect((await queue(c, ['stats', '--json'])).json.ready).toBe(1);
    const text = await queue(c, ['ready']);
    expect(text.stdout).toContain("also ready, taken only by id (check boxes beside the file's main form): T-1, T-2");

    expect((await queue(c, ['claim', '--agent', 'Dev 1', '--json'])).json.story.id).toBe('S-2');
    const none = await queue(c, ['claim', '--agent', 'Dev 2', '--json']);
    expect(none.code).toBe(1);
    expect(none.json.error).toMatchObject({ code: 'no_ready_story', agent: 'Dev 2', aside: ['T-1', 'T-2'] });
    expect(none.json.error.message).toContain("T-1, T-2 are ready items beside the file's table rows");
    const after = await queue(c, ['ready', '--json']);
    expect([after.json.stories, after.json.aside]).toEqual([[], ['T-1', 'T-2']]);
    expect((await queue(c, ['ready'])).stdout).toContain('no story is ready to be taken without an id');

    expect((await queue(c, ['claim', 'T-1', '--agent', 'Dev 2', '--json'])).code).toBe(0);
    expect((await queue(c, ['ready', '--json'])).json.aside).toEqual(['T-2']);
    git(c, 'pull', '-q', '--ff-only');
  }, 60_000);

  it('an agent that holds its share (maxClaims) is offered nothing, as claim would refuse it all, and told what it holds; aliases count', async () => {
    const config = { agents: { 'Dev 1': ['dev1@example.com'] }, maxClaims: 1 };
    const { clones } = setup(
      {
        'WORK_QUEUE.md': TEXT.replace('| [ ] | **S-2** |', '| [IN PROGRESS: dev1@example.com] | **S-2** |').replace('| [DONE] | **S-1** |', '| [ ] | **S-1** |'),
        'queue.config.json': JSON.stringify(config),
      },
      1,
    );
    const c = clones[0];
    for (const pass of ['full read', 'index']) {
      const r = await queue(c, ['ready', '--agent', 'Dev 1', '--json']);
      expect([r.json.stories, r.json.atLimit], pass).toEqual([[], { held: ['S-2'], limit: 1 }]);
    }
    expect((await queue(c, ['ready', '--agent', 'Dev 1'])).stdout).toBe('Dev 1 holds S-2 (limit 1): finish or release it before taking another\n');
    expect((await queue(c, ['claim', '--agent', 'Dev 1', '--json'])).json.error.code).toBe('claim_limit');
    const other = await queue(c, ['ready', '--agent', 'Dev 2', '--json']);
    expect([other.json.stories.map((s: { id: string }) => s.id), other.json.atLimit]).toEqual([['S-1'], null]);
    // After a release, the same agent is offered work again (the index patched from the claim's).
    expect((await queue(c, ['release', 'S-2', '--agent', 'Dev 1', '--json'])).code).toBe(0);
    const again = await queue(c, ['ready', '--agent', 'Dev 1', '--json']);
    expect([again.json.stories.map((s: { id: string }) => s.id).sort(), again.json.atLimit]).toEqual([['S-1', 'S-2'], null]);
  }, 60_000);

  it('at the limit with nothing else ready, claim says claim_limit as ready says atLimit; aside is empty then; a name no claim takes is refused by ready too', async () => {
    const text = TEXT.replace('| [ ] | **S-2** |', '| [IN PROGRESS: Dev 1] | **S-2** |');
    const { clones } = setup({ 'WORK_QUEUE.md': text }, 1);
    const c = clones[0];
    const r = await queue(c, ['ready', '--agent', 'Dev 1', '--json']);
    expect([r.json.stories, r.json.aside, r.json.atLimit]).toEqual([[], [], { held: ['S-2'], limit: 1 }]);
    const claim = await queue(c, ['claim', '--agent', 'Dev 1', '--json']);
    expect(claim.json.error).toMatchObject({ code: 'claim_limit', held: ['S-2'], limit: 1 });
    expect((await queue(c, ['claim', 'T-1', '--agent', 'Dev 1', '--json'])).json.error.code).toBe('claim_limit');
    const odd = await queue(c, ['ready', '--agent', 'Dev  1', '--json']);
    expect([odd.code, odd.json.error.code]).toEqual([2, 'usage']);
    expect((await queue(c, ['claim', '--agent', 'Dev  1', '--json'])).json.error.code).toBe('usage');
  }, 60_000);

  it('ready answers for the agent git config queue.agent names, as claim acts as it: its Owner rows, its claim limit', async () => {
    const owned = [
      '| ID | Title | Status | Owner | Priority |',
      '|---|---|---|---|---|',
      '| O-1 | First | [ ] | Dev2 | P2 |',
      '| O-2 | Second | [ ] | | P3 |',
      '| O-4 | Fourth | [ ] | Dev 9 | P1 |',
      '| O-5 | Fifth | [ ] | dev1 | P1 |',
      '',
    ].join('\n');
    const { clones } = setup({ 'WORK_QUEUE.md': owned, 'queue.config.json': '{"maxClaims": 1}' }, 1);
    const c = clones[0];
    git(c, 'config', 'queue.agent', 'Dev1');
    // Without QUEUE_AGENT in the environment: the clone's configuration names the agent.
    const env = { QUEUE_AGENT: '' };
    const ready = await queue(c, ['ready', '--json'], env);
    expect(ready.json.stories.map((s: { id: string }) => s.id)).toEqual(['O-5', 'O-2']);
    const claim = await queue(c, ['claim', '--json'], env);
    expect(claim.json.story.id).toBe('O-5');
    // Holding its one story: ready says so, as claim does.
    const after = await queue(c, ['ready', '--json'], env);
    expect([after.json.stories, after.json.atLimit]).toEqual([[], { held: ['O-5'], limit: 1 }]);
    expect((await queue(c, ['claim', '--json'], env)).json.error.code).toBe('claim_limit');
    // A blank QUEUE_AGENT is unset: the configuration still names the agent. A blank --agent is refused, as claim refuses it.
    expect((await queue(c, ['ready', '--json'], { QUEUE_AGENT: '  ' })).json.atLimit).toEqual({ held: ['O-5'], limit: 1 });
    expect((await queue(c, ['ready', '--agent', '', '--json'], env)).json.error.code).toBe('usage');
  });
});
