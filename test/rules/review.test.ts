/** The claim rules on a story in review: who approves (review → done) and who rejects (review → in progress, back to its holder). */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/domain/config.js';
import { readQueue } from '../../src/read/queue.js';
import { checkTransition, type ChangeContext } from '../../src/rules/check.js';

const q = (row: string) =>
  readQueue([{ file: 'WORK_QUEUE.md', text: `| Status | Story | Description | Depends On |\n|---|---|---|---|\n| [DONE] | **A** | a | None |\n${row}\n` }]);
const IN_REVIEW = '| [REVIEW: Dev 1] | **D** | d | A |';
const agents = { 'Dev 1': ['dev1@example.com'], 'Dev 2': ['dev2@example.com'], Lead: ['lead'] };

async function rules(to: string, ctx: Partial<ChangeContext>, extra: Record<string, unknown> = {}) {
  const config = parseConfig(JSON.stringify({ agents, ...extra })).config;
  return checkTransition(await q(IN_REVIEW), await q(to), { config, ...ctx }).map((v) => `${v.rule} ${v.story}`);
}
const DONE = '| [DONE] | **D** | d | A |';
const BACK = '| [IN PROGRESS: Dev 1] | **D** | d | A |';

describe('review rules', () => {
  it('anyone but the implementer approves or rejects, by commit author or as queue writes it', async () => {
    expect(await rules(DONE, { author: 'dev2@example.com' })).toEqual([]);
    expect(await rules(DONE, { agent: 'Dev 2', local: true })).toEqual([]);
    expect(await rules(BACK, { author: 'dev2@example.com' })).toEqual([]);
    expect(await rules(BACK, { pusher: 'lead' })).toEqual([]);
  });

  it('the implementer approving its own story is self_approve; taking it back to in progress is its own business', async () => {
    expect(await rules(DONE, { author: 'dev1@example.com' })).toEqual(['self_approve D']);
    expect(await rules(DONE, { agent: 'Dev 1', local: true })).toEqual(['self_approve D']);
    expect(await rules(BACK, { author: 'dev1@example.com' })).toEqual([]);
    // The rule can be turned off like any other.
    expect(await rules(DONE, { author: 'dev1@example.com' }, { rules: { self_approve: 'off' } })).toEqual([]);
  });

  it("with reviewers, anyone else is not_reviewer; other moves of a story in review stay the holder's (not_holder)", async () => {
    const reviewers = { reviewers: ['Lead'] };
    expect(await rules(DONE, { author: 'dev2@example.com' }, reviewers)).toEqual(['not_reviewer D']);
    expect(await rules(BACK, { author: 'dev2@example.com' }, reviewers)).toEqual(['not_reviewer D']);
    expect(await rules(DONE, { author: 'lead' }, reviewers)).toEqual([]);
    expect(await rules('| [ ] | **D** | d | A |', { author: 'dev2@example.com' })).toEqual(['not_holder D']);
    expect(await rules('| [IN PROGRESS: Dev 2] | **D** | d | A |', { author: 'dev2@example.com' })).toEqual(['not_holder D']);
  });
});
