import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/domain/config.js';
import { readQueue } from '../../src/read/queue.js';
import { checkTransition, type ChangeContext } from '../../src/rules/check.js';

const q = (rows: string[]) => readQueue([{ file: 'WORK_QUEUE.md', text: `| Status | Story | Description | Depends On |\n|---|---|---|---|\n${rows.join('\n')}\n` }]);
const base = [
  '| [DONE] | **A** | a | None |',
  '| [ ] | **B** | b | A |',
  '| [BLOCKED] | **C** | c | B |',
  '| [IN PROGRESS: Dev 1] | **D** | d | A |',
  '| [DONE] | **E** | e | None |',
];
const config = parseConfig(JSON.stringify({ agents: { 'Dev 2': ['dev2@example.com'], 'Dev 3': ['dev3@example.com'] } })).config;

async function rules(change: (rows: string[]) => string[], ctx: Partial<ChangeContext> = {}) {
  const before = await q(base);
  const after = await q(change([...base]));
  return checkTransition(before, after, { config, ...ctx }).map((v) => `${v.rule} ${v.story ?? ''}`.trim());
}
const set = (i: number, row: string) => (rows: string[]) => rows.map((r, k) => (k === i ? row : r));

describe('claim rules', () => {
  it('let legitimate changes pass: claim a ready story, holder marks done, edit a description', async () => {
    expect(await rules(set(1, '| [IN PROGRESS: Dev 2] | **B** | b | A |'), { author: 'dev2@example.com' })).toEqual([]);
    expect(await rules(set(3, '| [DONE] | **D** | d | A |'), { agent: 'Dev 1' })).toEqual([]);
    expect(await rules(set(1, '| [ ] | **B** | b, better said | A |'), { author: 'someone@example.com' })).toEqual([]);
    expect(await rules(set(4, '| [ ] | **E** | e | None |'), { op: 'reopen', agent: 'Dev 2' })).toEqual([]);
  });

  it.each([
    ['claim of a blocked story', set(2, '| [IN PROGRESS: Dev 2] | **C** | c | B |'), {}, ['claim_not_ready C']],
    ['steal', set(3, '| [IN PROGRESS: Dev 2] | **D** | d | A |'), {}, ['steal D']],
    ['done by a non-holder', set(3, '| [DONE] | **D** | d | A |'), { author: 'dev3@example.com' }, ['not_holder D']],
    ['done without a claim', set(1, '| [DONE] | **B** | b | A |'), {}, ['done_not_claimed B']],
    ['reopen by hand', set(4, '| [ ] | **E** | e | None |'), {}, ['reopen_by_hand E']],
    ['deleting a claimed story', (rows: string[]) => rows.filter((_, k) => k !== 3), {}, ['delete_claimed']],
    ['a cycle', set(0, '| [DONE] | **A** | a | C |'), {}, ['cycle A']],
    ['a duplicate id', (rows: string[]) => [...rows, '| [ ] | **B** | b again | None |'], {}, ['duplicate_id B']],
    ['two claims by one agent', set(1, '| [IN PROGRESS: Dev 1] | **B** | b | A |'), {}, ['claim_limit B']],
    ['conflict markers', (rows: string[]) => [...rows, '<<<<<<< HEAD', '=======', '>>>>>>> x'], {}, ['unparseable']],
  ] as const)('refuses %s', async (_name, change, ctx, expected) => {
    expect(await rules(change, ctx as Partial<ChangeContext>)).toEqual(expected);
  });

  it('a forced release is no steal; an unknown author is not judged as a holder', async () => {
    expect(await rules(set(3, '| [ ] | **D** | d | A |'), { force: true, agent: 'Dev 3' })).toEqual([]);
    expect(await rules(set(3, '| [DONE] | **D** | d | A |'), { author: 'a.person@example.com' })).toEqual([]);
  });

  it('severities come from the config', async () => {
    const lenient = parseConfig(JSON.stringify({ rules: { claim_not_ready: 'warning', steal: 'off' } })).config;
    const before = await q(base);
    const after = await q(set(2, '| [IN PROGRESS: Dev 2] | **C** | c | B |')([...base]));
    expect(checkTransition(before, after, { config: lenient }).map((v) => [v.rule, v.severity])).toEqual([['claim_not_ready', 'warning']]);
    const stolen = await q(set(3, '| [IN PROGRESS: Dev 2] | **D** | d | A |')([...base]));
    expect(checkTransition(before, stolen, { config: lenient })).toEqual([]);
  });

  it('every violation names the rule, the story, the line and a fix', async () => {
    const before = await q(base);
    const after = await q(set(2, '| [IN PROGRESS: Dev 2] | **C** | c | B |')([...base]));
    expect(checkTransition(before, after, { config })).toEqual([
      {
        rule: 'claim_not_ready',
        severity: 'error',
        story: 'C',
        file: 'WORK_QUEUE.md',
        line: 5,
        message: 'C was claimed but it waits on B',
        fix: 'claim a story from queue ready instead, or finish B first',
      },
    ]);
  });
});
