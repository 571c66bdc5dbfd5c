/**
 * Hierarchy: parents and children (nested items with ids, Parent / Epic columns, the config's id
 * prefixes), the roll-up, the warning for a parent done before its children, planning work (stories
 * that need decomposition) kept away from implementation, and `queue add --parent`. Pure.
 */
import { describe, expect, it } from 'vitest';
import { readQueue } from '../../src/read/queue.js';
import { applyDecision } from '../../src/edit/apply.js';
import { decide, pickStory } from '../../src/edit/decide.js';
import { decideAdd } from '../../src/edit/structure.js';
import { rankPlanning } from '../../src/model/rank.js';
import { parseConfig, type Vocabulary } from '../../src/domain/config.js';
import { QueueError } from '../../src/domain/errors.js';
import { checkTransition } from '../../src/rules/check.js';

const prefixes: Vocabulary = { statuses: {}, columns: {}, ids: [], hierarchy: { prefixes: true } };
const open = (text: string, vocabulary?: Vocabulary) => readQueue([{ file: 'WORK_QUEUE.md', text }], vocabulary ? { vocabulary } : {});

const TABLE = [
  '## Stories',
  '',
  '| Status | ID | Title | Epic | Depends On |',
  '|---|---|---|---|---|',
  '| [ ] | **E1** | Search | | None |',
  '| [DONE] | **S1** | Index | E1 | None |',
  '| [IN PROGRESS: Dev 1] | **S2** | Query | E1 | None |',
  '| [ ] | **S3** | Ranking | E1 | S1 |',
  '| [ ] | **S4** | Facets | E1 | S2 |',
  '',
].join('\n');

/** The code of the QueueError `f` throws. */
function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof QueueError) return e.code;
    throw e;
  }
  return 'none';
}

describe('parents and the roll-up', () => {
  it('an Epic column names parents; the roll-up counts the children by category', async () => {
    const q = await open(TABLE);
    expect(q.graph.children('E1')).toEqual(['S1', 'S2', 'S3', 'S4']);
    expect(q.graph.parentOf('S3')).toBe('E1');
    expect(q.graph.rollup('E1')).toEqual({ done: 1, total: 4, percent: 25, byCategory: { done: 1, in_progress: 1, todo: 2 } });
    expect(q.graph.openChildren('E1')).toEqual(['S2', 'S3', 'S4']);
    // The container is not ready while a child is open; its children are.
    expect(q.graph.ready().map((s) => s.id)).toEqual(['S3']);
  });

  it('a parent is ready again once every child is done or cancelled', async () => {
    const q = await open(
      TABLE.replace('| [IN PROGRESS: Dev 1] | **S2**', '| [DONE] | **S2**').replace('| [ ] | **S3**', '| [DONE] | **S3**').replace('| [ ] | **S4**', '| Cancelled | **S4**'),
    );
    expect(q.graph.ready().map((s) => s.id)).toEqual(['E1']);
    expect(q.graph.rollup('E1')).toMatchObject({ done: 3, total: 4, percent: 75 });
  });

  it('a parent marked done while a child is open is a warning at the parent', async () => {
    const q = await open(TABLE.replace('| [ ] | **E1**', '| [DONE] | **E1**'));
    const d = q.diagnostics.filter((x) => x.code === 'parent_done_early');
    expect(d.map((x) => [x.severity, x.line, x.story])).toEqual([['warning', 5, 'E1']]);
    expect(d[0].message).toContain('S2, S3, S4');
    // None when the children are done too.
    const all = await open('| Status | ID | Title | Parent |\n|---|---|---|---|\n| [DONE] | A | a | |\n| [DONE] | A1 | b | A |\n');
    expect(all.diagnostics.filter((x) => x.code === 'parent_done_early')).toEqual([]);
  });

  it('parents in a cycle, or a story its own parent, are an error and taken as no parent: nothing waits forever on its own descendant', async () => {
    const q = await open(
      '| Status | ID | Title | Parent |\n|---|---|---|---|\n| [ ] | A | a | B |\n| [ ] | B | b | C |\n| [ ] | C | c | A |\n| [ ] | D | d | D |\n| [ ] | E | e | A |\n',
    );
    const d = q.diagnostics.filter((x) => x.code === 'parent_cycle');
    expect(d.map((x) => [x.severity, x.line, x.story, x.message])).toEqual([
      ['error', 3, 'A', 'parents in a cycle: A → B → C → A (each inside the next); they are taken as having no parent'],
      ['error', 6, 'D', 'D names itself as its parent: it is taken as having none'],
    ]);
    expect(q.stories.map((s) => [s.id, s.parent])).toEqual([
      ['A', null],
      ['B', null],
      ['C', null],
      ['D', null],
      ['E', 'A'],
    ]);
    // A waits on its one child, E; the others are ready.
    expect(q.graph.ready().map((s) => s.id)).toEqual(['B', 'C', 'D', 'E']);
    // With id prefixes too (`7-1` inside `7`, and a Parent cell saying `7` is inside `7-1`).
    const p = await open('| Status | ID | Title | Parent |\n|---|---|---|---|\n| [ ] | 7 | a | 7-1 |\n| [ ] | 7-1 | b | |\n', prefixes);
    expect(p.diagnostics.filter((x) => x.code === 'parent_cycle').map((x) => x.message)).toEqual([
      'parents in a cycle: 7 → 7-1 → 7 (each inside the next); they are taken as having no parent',
    ]);
  });

  it('a Parent cell naming no story is a warning; a table headed Epic with no id or title header lists epics, it names no parents', async () => {
    const q = await open('| Status | ID | Title | Parent |\n|---|---|---|---|\n| [ ] | A | a | NOPE-1 |\n');
    expect(q.diagnostics.map((d) => d.code)).toContain('unknown_parent');
    expect(q.stories[0].parent).toBeNull();
    const epics = await open('| Epic | Status |\n|---|---|\n| Billing | [ ] |\n| Search | [DONE] |\n');
    expect(epics.stories.map((s) => s.title)).toEqual(['Billing', 'Search']);
  });

  it('id prefixes make parents only with the config: the longest existing prefix, before a - or a .', async () => {
    const text =
      '| Status | Story | Title |\n|---|---|---|\n| [ ] | **2** | Two |\n| [ ] | **2-3** | Child |\n| [ ] | **2-3-1** | Grandchild |\n| [ ] | **E1.2** | Orphan |\n| [ ] | **E1** | Epic |\n';
    expect((await open(text)).stories.every((s) => s.parent === null)).toBe(true);
    const q = await open(text, prefixes);
    expect(q.stories.map((s) => `${s.id}:${s.parent ?? '-'}`)).toEqual(['2:-', '2-3:2', '2-3-1:2-3', 'E1.2:E1', 'E1:-']);
    // A list of patterns allows only the prefixes it matches.
    const only = await open(text, { ...prefixes, hierarchy: { prefixes: ['E\\d+'] } });
    expect(only.stories.map((s) => `${s.id}:${s.parent ?? '-'}`)).toEqual(['2:-', '2-3:-', '2-3-1:-', 'E1.2:E1', 'E1:-']);
  });

  it('a nested item with an id is a child story; a plain nested box is its checklist, at any depth', async () => {
    const q = await open('- [ ] **PH-1** — Phase\n  - [ ] **FE-1** — Feature\n    - [ ] step one\n      - [x] sub-step\n  - [x] a plain step of PH-1\n');
    expect(q.stories.map((s) => `${s.id}:${s.parent ?? '-'}`)).toEqual(['PH-1:-', 'FE-1:PH-1']);
    expect(q.graph.byId.get('FE-1')!.checklist).toEqual([
      { text: 'step one', done: false },
      { text: 'sub-step', done: true },
    ]);
    expect(q.graph.byId.get('PH-1')!.checklist).toEqual([{ text: 'a plain step of PH-1', done: true }]);
    expect(q.graph.ready().map((s) => s.id)).toEqual(['FE-1']);
  });
});

describe('config: hierarchy', () => {
  it('reads {"prefixes": true} and a list of patterns; refuses anything else', () => {
    expect(parseConfig('{"hierarchy": {"prefixes": true}}').config.vocabulary.hierarchy).toEqual({ prefixes: true });
    expect(parseConfig('{"hierarchy": {"prefixes": ["E\\\\d+"]}}').config.vocabulary.hierarchy).toEqual({ prefixes: ['E\\d+'] });
    for (const bad of ['{"hierarchy": true}', '{"hierarchy": {"prefixes": false}}', '{"hierarchy": {"prefixes": ["("]}}', '{"hierarchy": {}}']) {
      expect(() => parseConfig(bad), bad).toThrow(/hierarchy/);
    }
    expect(parseConfig('{"hierarchy": {"prefixes": true, "depth": 3}}').diagnostics.map((d) => d.code)).toEqual(['unknown_config_key']);
    expect(parseConfig('{"columns": {"Épica": "parent"}}').config.vocabulary.columns).toEqual({ Épica: 'parent' });
  });
});

describe('planning work', () => {
  const PLANNING = [
    '| Status | ID | Title | Type | Labels | Priority | Depends On |',
    '|---|---|---|---|---|---|---|',
    '| [ ] | **A** | Build it | Story | | P2 | None |',
    '| [ ] | **B** | Split the billing epic | Story | needs-decomposition | P3 | None |',
    '| Needs decomposition | **C** | Reporting | Story | | P1 | None |',
    '| [ ] | **D** | Notifications | Epic | | | None |',
    '| [ ] | **E** | Search | Epic | | | None |',
    '| [ ] | **E-1** | Index | Story | | | None |',
    '| [ ] | **F** | Later planning | Story | needs decomposition | | A |',
    '',
  ].join('\n');

  it('a status or label needs decomposition, or an epic with no children, is planning work: never ready, listed for planning', async () => {
    const q = await open(PLANNING, prefixes);
    expect(q.stories.filter((s) => s.needsDecomposition).map((s) => s.id)).toEqual(['B', 'C', 'D', 'F']);
    expect(q.graph.byId.get('C')!.status.category).toBe('todo');
    expect(q.diagnostics.filter((d) => d.code === 'unknown_status')).toEqual([]);
    // E has a child (E-1, by prefix): a container, not planning work.
    expect(q.graph.ready().map((s) => s.id)).toEqual(['A', 'E-1']);
    // F waits on A: not yet takeable. Priority first (none ranks between P2 and P3), then file order.
    expect(rankPlanning(q.graph).map((s) => s.id)).toEqual(['C', 'D', 'B']);
    expect(q.graph.blocked().find((b) => b.story.id === 'F')).toMatchObject({ planning: true, waitingOn: ['A'] });
  });

  it('claim without an id never picks planning work or a container; claim by id takes planning work but refuses a container', async () => {
    const q = await open(PLANNING, prefixes);
    const picked: string[] = [];
    let text = PLANNING;
    for (const agent of ['Dev 1', 'Dev 2', 'Dev 3']) {
      const cur = await open(text, prefixes);
      let id: string;
      try {
        id = pickStory(cur, agent).id;
      } catch (e) {
        expect((e as QueueError).code).toBe('no_ready_story');
        break;
      }
      picked.push(id);
      text = (await applyDecision(cur, decide(cur, { op: 'claim', id, agent, maxClaims: 1 }))).content;
    }
    expect(picked).toEqual(['A', 'E-1']);
    const planner = decide(q, { op: 'claim', id: 'C', agent: 'Planner', maxClaims: 1 });
    expect((await applyDecision(q, planner)).content).toContain('| [IN PROGRESS: Planner] | **C** |');
    expect(codeOf(() => decide(q, { op: 'claim', id: 'F', agent: 'Planner', maxClaims: 1 }))).toBe('not_ready');
    let message = '';
    try {
      decide(q, { op: 'claim', id: 'E', agent: 'Planner', maxClaims: 1 });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('children are open (E-1)');
  });
});

describe('claim rules (hooks) on planning work and containers', () => {
  it('a hand claim of planning work is no claim_not_ready; a hand claim of a parent with open children is', async () => {
    const config = parseConfig('{}').config;
    const text =
      '| Status | ID | Title | Parent | Labels |\n|---|---|---|---|---|\n| [ ] | **E1** | Epic | | |\n| [ ] | **S1** | Story | E1 | |\n| [ ] | **P1** | Plan it | | needs decomposition |\n';
    const before = await open(text);
    const claimPlan = await open(text.replace('| [ ] | **P1**', '| [IN PROGRESS: Planner] | **P1**'));
    expect(checkTransition(before, claimPlan, { config }).map((v) => v.rule)).toEqual([]);
    const claimEpic = await open(text.replace('| [ ] | **E1**', '| [IN PROGRESS: Dev 1] | **E1**'));
    const v = checkTransition(before, claimEpic, { config });
    expect(v.map((x) => x.rule)).toEqual(['claim_not_ready']);
    expect(v[0].message).toContain('it is a parent whose children S1 are open');
  });
});

describe('queue add --parent (decided and proved)', () => {
  it('in a table with a Parent column: the row carries the parent, and only that line is added', async () => {
    const q = await open(TABLE);
    const d = decideAdd(q, { id: 'S5', title: 'Synonyms', deps: [], parent: 'E1', agent: 'Dev 1' });
    const after = await applyDecision(q, d);
    const added = after.content.split('\n').filter((l) => !TABLE.split('\n').includes(l));
    expect(added).toEqual(['| [ ] | **S5** | Synonyms | E1 | None |']);
    expect(after.content.replace(`${added[0]}\n`, '')).toBe(TABLE);
    expect((await open(after.content)).graph.children('E1')).toContain('S5');
  });

  it('in a table without one: refused, naming what would be needed; with id prefixes configured, an id under the parent is enough', async () => {
    const plain = '| Status | Story | Title |\n|---|---|---|\n| [ ] | **7** | Export |\n';
    let message = '';
    try {
      decideAdd(await open(plain), { id: 'X', title: 'x', deps: [], parent: '7', agent: 'Dev 1' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('has no Parent column');
    expect(message).toContain('"hierarchy": {"prefixes": true}');
    const q = await open(plain, prefixes);
    const after = await applyDecision(q, decideAdd(q, { id: '7-1', title: 'CSV', deps: [], parent: '7', agent: 'Dev 1' }));
    expect(after.content).toBe(`${plain}| [ ] | **7-1** | CSV |\n`);
    expect(codeOf(() => decideAdd(q, { id: 'Y', title: 'y', deps: [], parent: '7', agent: 'Dev 1' }))).toBe('invalid');
    expect(codeOf(() => decideAdd(q, { id: 'Y', title: 'y', deps: [], parent: 'NOPE', agent: 'Dev 1' }))).toBe('not_found');
  });

  it('in a task list: nested under the parent item (after its last child, or one level in for a first child)', async () => {
    const list = '# Plan\n\n- [ ] **PH-1** — Phase\n  - [ ] **FE-1** — Feature\n    - [ ] a step\n- [ ] **PH-2** — Other\n';
    const q = await open(list);
    const second = (await applyDecision(q, decideAdd(q, { id: 'FE-2', title: 'Second', deps: [], parent: 'PH-1', agent: 'Dev 1' }))).content;
    expect(second).toBe('# Plan\n\n- [ ] **PH-1** — Phase\n  - [ ] **FE-1** — Feature\n    - [ ] a step\n  - [ ] **FE-2** — Second\n- [ ] **PH-2** — Other\n');
    const first = (await applyDecision(q, decideAdd(q, { id: 'FE-3', title: 'First', deps: ['FE-1'], parent: 'PH-2', agent: 'Dev 1' }))).content;
    expect(first).toBe(`${list}  - [ ] **FE-3** — First (depends on: FE-1)\n`);
    const read = await open(first);
    expect(read.graph.parentOf('FE-3')).toBe('PH-2');
    const numbered = '1. [ ] T-1 Parent\n2. [ ] T-2 Other\n';
    const n = await open(numbered);
    expect((await applyDecision(n, decideAdd(n, { id: 'T-9', title: 'Child', deps: [], parent: 'T-1', agent: 'Dev 1' }))).content).toBe(
      '1. [ ] T-1 Parent\n   - [ ] T-9 Child\n2. [ ] T-2 Other\n',
    );
  });
});
