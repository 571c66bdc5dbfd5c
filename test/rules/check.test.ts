import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/domain/config.js';
import { readQueue } from '../../src/read/queue.js';
import { NOTHING_REMEMBERED, recall, remember } from '../../src/history/memory.js';
import { diffQueues } from '../../src/history/events.js';
import { actorOf, checkMaintainer, checkTransition, type ChangeContext } from '../../src/rules/check.js';

const q = (rows: string[]) => readQueue([{ file: 'WORK_QUEUE.md', text: `| Status | Story | Description | Depends On |\n|---|---|---|---|\n${rows.join('\n')}\n` }]);
const base = [
  '| [DONE] | **A** | a | None |',
  '| [ ] | **B** | b | A |',
  '| [BLOCKED] | **C** | c | B |',
  '| [IN PROGRESS: Dev 1] | **D** | d | A |',
  '| [DONE] | **E** | e | None |',
];
const config = parseConfig(JSON.stringify({ agents: { 'Dev 2': ['dev2@example.com'], 'Dev 3': ['dev3@example.com'], Lead: ['lead'] }, maintainers: ['lead'] })).config;

async function rules(change: (rows: string[]) => string[], ctx: Partial<ChangeContext> = {}) {
  const before = await q(base);
  const after = await q(change([...base]));
  return checkTransition(before, after, { config, ...ctx }).map((v) => `${v.rule} ${v.story ?? ''}`.trim());
}
const set = (i: number, row: string) => (rows: string[]) => rows.map((r, k) => (k === i ? row : r));

describe('claim rules', () => {
  it('let legitimate changes pass: claim a ready story, holder marks done, edit a description', async () => {
    expect(await rules(set(1, '| [IN PROGRESS: Dev 2] | **B** | b | A |'), { author: 'dev2@example.com' })).toEqual([]);
    expect(await rules(set(3, '| [DONE] | **D** | d | A |'), { author: ['dev1@example.com', 'Dev 1'] })).toEqual([]);
    expect(await rules(set(3, '| [DONE] | **D** | d | A |'), { agent: 'Dev 1', local: true })).toEqual([]);
    expect(await rules(set(1, '| [ ] | **B** | b, better said | A |'), { author: 'someone@example.com' })).toEqual([]);
    expect(await rules(set(4, '| [ ] | **E** | e | None |'), { op: 'reopen', author: 'lead' })).toEqual([]);
    expect(await rules(set(4, '| [ ] | **E** | e | None |'), { op: 'reopen', agent: 'Dev 2', local: true })).toEqual([]);
  });

  it.each([
    ['claim of a blocked story', set(2, '| [IN PROGRESS: Dev 2] | **C** | c | B |'), {}, ['claim_not_ready C']],
    ['steal', set(3, '| [IN PROGRESS: Dev 2] | **D** | d | A |'), {}, ['steal D']],
    ['done by a non-holder', set(3, '| [DONE] | **D** | d | A |'), { author: 'dev3@example.com' }, ['not_holder D']],
    ['done without a claim', set(1, '| [DONE] | **B** | b | A |'), {}, ['done_not_claimed B']],
    ['reopen by hand', set(4, '| [ ] | **E** | e | None |'), {}, ['reopen_by_hand E']],
    ['deleting a claimed story', (rows: string[]) => rows.filter((_, k) => k !== 3), {}, ['delete_claimed D']],
    ['a cycle', set(0, '| [DONE] | **A** | a | C |'), {}, ['cycle A']],
    ['a duplicate id', (rows: string[]) => [...rows, '| [ ] | **B** | b again | None |'], {}, ['duplicate_id B']],
    ['two claims by one agent', set(1, '| [IN PROGRESS: Dev 1] | **B** | b | A |'), {}, ['claim_limit B']],
    // Straight into review is a claim too: of a ready story only, within the limit, not a steal.
    ['a blocked story put in review', set(2, '| [REVIEW: Dev 2] | **C** | c | B |'), {}, ['claim_not_ready C']],
    ['a second story put in review', set(1, '| [REVIEW: Dev 1] | **B** | b | A |'), {}, ['claim_limit B']],
    ['a claim that names nobody', set(1, '| [IN PROGRESS] | **B** | b | A |'), {}, ['claim_unnamed B']],
    ['a story added claimed by nobody', (rows: string[]) => [...rows, '| [IN PROGRESS] | **F** | f | A |'], {}, ['claim_unnamed F']],
    // An alias names the agent it is listed under: Dev 3 writing their address holds a second story.
    [
      'a second claim under an alias',
      (rows: string[]) => [...set(1, '| [IN PROGRESS: Dev 3] | **B** | b | A |')(rows), '| [IN PROGRESS: dev3@example.com] | **F** | f | A |'],
      { author: 'dev3@example.com' },
      ['claim_limit B'],
    ],
    // One agent written two ways in one change is one agent over its limit, said once.
    [
      'two new claims of one agent written two ways',
      (rows: string[]) => [...set(1, '| [IN PROGRESS: Dev 4] | **B** | b | A |')(rows), '| [IN PROGRESS: dev 4] | **F** | f | A |'],
      {},
      ['claim_limit B'],
    ],
    ['a held story cancelled by someone else', set(3, '| [CANCELLED] | **D** | d | A |'), { author: 'dev3@example.com' }, ['not_holder D']],
    ["a held story cancelled in a team's own word", set(3, "| Won't do | **D** | d | A |"), { author: 'dev3@example.com' }, ['not_holder D']],
    ['conflict markers', (rows: string[]) => [...rows, '<<<<<<< HEAD', '=======', '>>>>>>> x'], {}, ['unparseable']],
  ] as const)('refuses %s', async (_name, change, ctx, expected) => {
    expect(await rules(change, ctx as Partial<ChangeContext>)).toEqual(expected);
  });

  it("a holder's aliases are the holder: it releases or cancels a story held under its address, and writing its address is no steal", async () => {
    const alias = (rows: string[]) => set(1, '| [IN PROGRESS: dev2@example.com] | **B** | b | A |')(rows);
    const before = await q(alias(base));
    const judge = async (row: string, ctx: Partial<ChangeContext>) =>
      checkTransition(before, await q(set(1, row)(alias(base))), { config, ...ctx }).map((v) => `${v.rule} ${v.story}`);
    expect(await judge('| [ ] | **B** | b | A |', { author: 'Dev 2' })).toEqual([]);
    expect(await judge('| [CANCELLED] | **B** | b | A |', { pusher: 'dev2@example.com' })).toEqual([]);
    expect(await judge('| [IN PROGRESS: Dev 2] | **B** | b | A |', { author: 'dev3@example.com' })).toEqual([]);
    expect(await judge('| [ ] | **B** | b | A |', { author: 'dev3@example.com' })).toEqual(['not_holder B']);
  });

  it("a forced release binds for a maintainer and for queue's own write, never on a trailer alone", async () => {
    expect(await rules(set(3, '| [ ] | **D** | d | A |'), { force: true, author: 'lead' })).toEqual([]);
    expect(await rules(set(3, '| [ ] | **D** | d | A |'), { force: true, agent: 'Dev 3', local: true })).toEqual([]);
    expect(await rules(set(3, '| [ ] | **D** | d | A |'), { force: true, agent: 'Lead', author: 'dev3@example.com' })).toEqual(['not_holder D']);
    expect(await rules(set(3, '| [IN PROGRESS: Dev 3] | **D** | d | A |'), { force: true, author: 'dev3@example.com' })).toEqual(['steal D']);
    expect(await rules(set(3, '| [IN PROGRESS: Dev 3] | **D** | d | A |'), { force: true, author: 'lead' })).toEqual([]);
    expect(await rules(set(4, '| [ ] | **E** | e | None |'), { op: 'reopen', agent: 'Lead', author: 'dev2@example.com' })).toEqual(['reopen_by_hand E']);
    // A cancelled story opened again is said to have been cancelled, not done.
    const before = await q([...base, '| [CANCELLED] | **F** | f | None |']);
    const after = await q([...base, '| [ ] | **F** | f | None |']);
    expect(checkTransition(before, after, { config }).map((v) => v.message)).toEqual([expect.stringMatching(/^F was cancelled and is "\[ \]" again/)]);
  });

  it('the actor is the pusher, else the author through the aliases; an unknown author is judged as themselves', async () => {
    const done = set(3, '| [DONE] | **D** | d | A |');
    // A forged Queue-Agent of the holder, an author the config does not know, a known non-holder.
    expect(await rules(done, { agent: 'Dev 1', author: ['dev2@example.com', 'dev2'] })).toEqual(['not_holder D']);
    expect(await rules(done, { author: ['lead@example.com', 'A Person'] })).toEqual(['not_holder D']);
    expect(await rules(done, { agent: 'Dev 1', author: ['mallory@example.com', 'Mallory'] })).toEqual(['not_holder D']);
    // The holder's status written by someone else is no proof of who wrote it.
    expect(await rules(set(3, '| [REVIEW: Dev 1] | **D** | d | A |'), { author: ['m@example.com', 'Mallory'] })).toEqual(['not_holder D']);
    // The pusher decides, whoever the author is.
    expect(await rules(done, { pusher: 'dev3', author: ['dev1@example.com', 'Dev 1'] })).toEqual(['not_holder D']);
    expect(await rules(done, { pusher: 'Dev 1', author: ['dev3@example.com', 'Dev 3'] })).toEqual([]);
    const before = await q(base);
    const after = await q(done([...base]));
    const violation = checkTransition(before, after, { config, author: ['lead@example.com', 'A Person'] })[0];
    expect(violation.message).toBe('D is held by Dev 1, but A Person changed it to "[DONE]"');
    expect(actorOf({ config, pusher: 'lead' })).toEqual({ name: 'Lead', label: 'Lead', maintainer: true });
    expect(actorOf({ config, unknown: 'a forced update' })).toEqual({ name: null, label: 'a forced update', maintainer: false });
  });

  it('a held story whose status no longer reads is removed, unless a maintainer does it', async () => {
    expect(await rules(set(3, '| [SOMETHING] | **D** | d, said again | None |'), { author: 'Dev 1' })).toEqual(['delete_claimed D']);
    expect(await rules(set(3, '| [SOMETHING] | **D** | d | A |'), { author: 'lead' })).toEqual([]);
    expect(await rules((rows) => rows.filter((_, k) => k !== 3), { author: 'lead' })).toEqual([]);
  });

  it('only a maintainer changes the config or deletes the queue branch', () => {
    const where = { file: 'queue.config.json', line: 1 };
    expect(checkMaintainer('config_change', actorOf({ config, author: 'lead' }), config, where, 'changed')).toEqual([]);
    expect(checkMaintainer('config_change', actorOf({ config, author: 'dev2@example.com' }), config, where, 'queue.config.json was changed')).toEqual([
      {
        rule: 'config_change',
        severity: 'error',
        story: null,
        file: 'queue.config.json',
        line: 1,
        message: 'queue.config.json was changed by Dev 2, who is no maintainer',
        fix: 'leave queue.config.json as it is; a maintainer (lead) pushes the change',
      },
    ]);
    const none = parseConfig('{}').config;
    expect(checkMaintainer('delete_branch', actorOf({ config: none }), none, where, 'main was deleted')[0].fix).toMatch(/names none \("maintainers"\)/);
    // With none named, the fix says who can name one.
    expect(checkMaintainer('config_change', actorOf({ config: none }), none, where, 'queue.config.json changed')[0].fix).toBe(
      'leave queue.config.json as it is; a maintainer: queue.config.json names none ("maintainers"), so the server\'s administrator names one first (git config --add queue.maintainer NAME in the bare repository), who then pushes the change',
    );
  });

  it('a long dependency cycle is named by its first stories and how many more, so the refusal stays one readable line', async () => {
    const chain = (closed: boolean) => Array.from({ length: 30 }, (_, i) => `| [ ] | **C-${i}** | c | ${i ? `C-${i - 1}` : closed ? 'C-29' : 'None'} |`);
    const config = parseConfig('{}').config;
    const [v] = checkTransition(await q(chain(false)), await q(chain(true)), { config, author: 'devA' }).filter((x) => x.rule === 'cycle');
    expect(v.message).toMatch(/^dependency cycle: (C-\d+ → ){20}… \(10 more\) → C-\d+$/);
  });

  it('a second status tag planted in a held task item makes it unreadable, which only its holder may do', async () => {
    const read = (text: string) => readQueue([{ file: 'WORK_QUEUE.md', text }]);
    const item = '- [ ] **T-2** Grammar (depends on: T-1) [IN PROGRESS: Dev 1]';
    const before = await read(`- [x] **T-1** Lexer\n${item}\n`);
    const after = await read(`- [x] **T-1** Lexer\n${item} [IN PROGRESS: Mal]\n`);
    expect(after.graph.byId.get('T-2')?.status.category).toBe('unknown');
    expect(after.diagnostics.map((d) => `${d.code} ${d.line}`)).toContain('unknown_status 2');
    const config = parseConfig('{}').config;
    expect(checkTransition(before, after, { config, author: 'Mal' }).map((v) => `${v.rule} ${v.story}`)).toContain('delete_claimed T-2');
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

describe('stories remembered across versions that do not read them', () => {
  it('a story that comes back is judged against the last version that read it', async () => {
    const before = await q(base);
    const gone = await q(base.filter((_, k) => k !== 1 && k !== 3)); // B and D vanish
    const remembered = remember(before, NOTHING_REMEMBERED, gone);
    expect([...remembered.keys()].sort()).toEqual(['B', 'D']);
    // Back: D stolen, B done without a claim. Judged against the remembered rows, not as new stories.
    const kept = base.filter((_, k) => k !== 1 && k !== 3);
    const back = await q([...kept, '| [DONE] | **B** | b | A |', '| [IN PROGRESS: Dev 2] | **D** | d | A |']);
    const judgedAgainst = recall(gone, remembered, back);
    expect(diffQueues(judgedAgainst, back).map((e) => `${e.kind} ${e.story}`)).toEqual(['done B', 'claim D']);
    expect(checkTransition(judgedAgainst, back, { config, author: 'dev2@example.com' }).map((v) => `${v.rule} ${v.story}`)).toEqual(['done_not_claimed B', 'steal D']);
    // Gone for good: nothing left to remember once they read again.
    expect(remember(judgedAgainst, remembered, back).size).toBe(0);
    // A story that stays away is not removed a second time.
    expect(recall(gone, remembered, gone)).toBe(gone);
  });

  it('a file that is gone remembers every story; an unreadable status is remembered too', async () => {
    const before = await q(base);
    expect([...remember(before, NOTHING_REMEMBERED, null).keys()]).toEqual(['A', 'B', 'C', 'D', 'E']);
    const unread = await q(set(3, '| [SOMETHING] | **D** | d | A |')([...base]));
    expect([...remember(before, NOTHING_REMEMBERED, unread).keys()]).toEqual(['D']);
  });
});
