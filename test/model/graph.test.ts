import { describe, expect, it } from 'vitest';
import { readQueue } from '../../src/read/queue.js';

const q = (md: string) => readQueue([{ file: 'WORK_QUEUE.md', text: md }]);
const head = '| Status | Story | Description | Depends On |\n|---|---|---|---|\n';
const ids = (xs: Array<{ id: string }>) => xs.map((x) => x.id);

describe('graph', () => {
  it('ready: todo with every dependency done; unknown deps block; external marks satisfy', async () => {
    const g = (
      await q(
        head +
          [
            '| [DONE] | **A** | a | None |',
            '| [ ] | **B** | b | A |',
            '| [ ] | **C** | c | B |',
            '| [ ] | **D** | d | Epic 2 ✅ |',
            '| [ ] | **E** | e | Nowhere |',
            '| [IN PROGRESS: Dev 1] | **F** | f | A |',
          ].join('\n'),
      )
    ).graph;
    expect(ids(g.ready())).toEqual(['B', 'D']);
    expect(g.blocked().map((b) => [b.story.id, b.waitingOn])).toEqual([
      ['C', ['B']],
      ['E', ['Nowhere']],
    ]);
    expect(g.dependents.get('A')).toEqual(['B', 'F']);
  });

  it('a [BLOCKED] held by dependencies becomes ready once they are done; a manual hold never does', async () => {
    const g = (
      await q(
        head +
          [
            '| [DONE] | **A** | a | None |',
            '| [BLOCKED] | **B** | blocked by A only | A |',
            '| [BLOCKED] | **C** | manual hold, no deps | None |',
            '| [BLOCKED: legal review] | **D** | hold with reason | A |',
            '| [BLOCKED] | **E** | waits on C | C |',
          ].join('\n'),
      )
    ).graph;
    expect(ids(g.ready())).toEqual(['B']);
    const blocked = Object.fromEntries(g.blocked().map((b) => [b.story.id, b]));
    expect(blocked.C.hold).toBe(true);
    expect(blocked.D.hold).toBe(true);
    expect(blocked.D.reason).toBe('legal review');
    expect(blocked.E.hold).toBe(false);
    expect(blocked.E.waitingOn).toEqual(['C']);
  });

  it("a word that holds the story itself (On hold, Proposed, ⏸️, a legend's not-yet-ready word) holds it with its dependencies done; a word that waits does not", async () => {
    const words = '| ID | Title | Status | Depends On |\n|---|---|---|---|\n';
    const g = (
      await q(
        words +
          [
            '| A-1 | Base | Done | — |',
            '| A-2 | Idea | Proposed | A-1 |',
            '| A-3 | Later | On hold | A-1 |',
            '| A-4 | Paused | ⏸️ Paused | A-1 |',
            '| A-5 | Russian | предложено | A-1 |',
            '| A-6 | Waits | Blocked | A-1 |',
            '| A-7 | Waits | ⛔ | A-1 |',
            '| A-8 | Waits | Заблокировано | A-1 |',
            '| A-9 | Open dependency | Proposed | A-10 |',
            '| A-10 | Open | Todo | — |',
          ].join('\n') +
          '\n\n## Status meanings\n\n| State | Meaning |\n|---|---|\n| Backlog | not yet ready |\n| Todo | ready to start |\n| Done | finished |\n',
      )
    ).graph;
    expect(ids(g.ready())).toEqual(['A-6', 'A-7', 'A-8', 'A-10']);
    const blocked = Object.fromEntries(g.blocked().map((b) => [b.story.id, b]));
    for (const id of ['A-2', 'A-3', 'A-4', 'A-5']) expect(blocked[id].hold, id).toBe(true);
    expect(blocked['A-9'].hold).toBe(true);
    const legend = (
      await q(
        `${words}| B-1 | Base | Done | — |\n| B-2 | Next | Backlog | B-1 |\n\n## Status meanings\n\n| State | Meaning |\n|---|---|\n| Backlog | not yet ready |\n| Done | finished |\n`,
      )
    ).graph;
    expect(ids(legend.ready())).toEqual([]);
  });

  it('a dependency names a story whose id is derived by its title, in any case, when no other such story has it', async () => {
    const r = await q(
      '| Component | Status | Depends on |\n|---|---|---|\n| Parser | ✅ Done | — |\n| Writer | ⬜ Pending | Parser |\n| Linter | ⬜ Pending | writer |\n| Cache | ⬜ Pending | Twin |\n| Twin | ⬜ Pending | — |\n| Twin | ⬜ Pending | — |\n',
    );
    expect(r.stories.map((s) => [s.title, s.deps.map((d) => d.id)])).toEqual([
      ['Parser', []],
      ['Writer', ['queue/parser']],
      ['Linter', ['queue/writer']],
      ['Cache', [null]],
      ['Twin', []],
      ['Twin', []],
    ]);
    expect(ids(r.graph.ready())).toEqual(['queue/writer', 'queue/twin', 'queue/twin-2']);
    // A derived id written out (it has a `/`, as a path would) names its story; a path names none.
    const slashed = await q(
      '| Component | Status | Depends on |\n|---|---|---|\n| Parser | ✅ Done | — |\n| Writer | ⬜ Pending | queue/parser |\n| Docs | ⬜ Pending | docs/x, AUTONOMY.md |\n',
    );
    expect(slashed.stories.map((s) => s.deps.map((d) => d.id))).toEqual([[], ['queue/parser'], []]);
    expect(slashed.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    // Two stories share the title: the reference names neither, and says which two.
    expect(r.diagnostics.filter((d) => d.code === 'unknown_dependency')).toEqual([]);
    expect(r.diagnostics.filter((d) => d.code === 'ambiguous_dependency').map((d) => [d.story, d.message])).toEqual([
      ['queue/cache', 'queue/cache depends on "Twin", the title of 2 stories (queue/twin, queue/twin-2): write the id of the one meant'],
    ]);
  });

  it("a title two sections share names the one in the referring story's own section", async () => {
    const table = (rows: string) => `| Status | Task | Depends On |\n|---|---|---|\n${rows}`;
    const r = await q(
      `## Build\n\n${table('| [ ] | Parser | — |\n| [ ] | Writer | Parser |\n')}\n## Docs\n\n${table('| [x] | Parser | — |\n| [ ] | Guide | parser |\n')}\n## Ops\n\n${table('| [ ] | Deploy | Parser |\n')}`,
    );
    expect(r.stories.map((s) => [s.id, s.deps.map((d) => d.id)])).toEqual([
      ['build/parser', []],
      ['build/writer', ['build/parser']],
      ['docs/parser', []],
      ['docs/guide', ['docs/parser']],
      ['ops/deploy', [null]],
    ]);
    expect(ids(r.graph.ready())).toEqual(['build/parser', 'docs/guide']);
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.story])).toEqual([['ambiguous_dependency', 'ops/deploy']]);
    // Sections are told by their headings, not by the ids derived from them: two `## Backlog`
    // sections under different `#` headings, and a task item with an id of its own.
    const twins = await q(
      `# Frontend\n\n## Backlog\n\n${table('| Done | Parser | — |\n| Todo | Writer | Parser |\n')}\n# Backend\n\n## Backlog\n\n${table('| Todo | Parser | — |\n| Todo | Writer | Parser |\n')}\n- [ ] **B-1** Release (depends on: Parser)\n`,
    );
    expect(twins.stories.map((s) => [s.id, s.deps.map((d) => d.id)])).toEqual([
      ['backlog/parser', []],
      ['backlog/writer', ['backlog/parser']],
      ['backlog/parser-2', []],
      ['backlog/writer-2', ['backlog/parser-2']],
      ['B-1', ['backlog/parser-2']],
    ]);
    expect(twins.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('cycles are found, reported as errors, and never ready', async () => {
    const r = await q(head + ['| [ ] | **A** | a | C |', '| [ ] | **B** | b | A |', '| [ ] | **C** | c | B |', '| [ ] | **D** | d | None |'].join('\n'));
    expect(r.graph.cycles).toEqual([['A', 'C', 'B']]);
    expect(ids(r.graph.ready())).toEqual(['D']);
    expect(r.diagnostics.filter((d) => d.code === 'cycle')).toHaveLength(1);
    expect(r.graph.waves().unschedulable.sort()).toEqual(['A', 'B', 'C']);
  });

  it('waves and critical path', async () => {
    const g = (
      await q(
        head +
          [
            '| [DONE] | **A** | a | None |',
            '| [ ] | **B** | b | A |',
            '| [ ] | **C** | c | None |',
            '| [BLOCKED] | **D** | d | B, C |',
            '| [BLOCKED] | **E** | e | D |',
            '| [ ] | **F** | f | C |',
          ].join('\n'),
      )
    ).graph;
    expect(g.waves().waves).toEqual([['B', 'C'], ['D', 'F'], ['E']]);
    expect(g.criticalPath()).toEqual(['B', 'D', 'E']);
    expect(g.unblockCount('C')).toBe(3);
  });

  it('a story in a tier table and the Completed log is one story; disagreeing states are an error', async () => {
    const md = [
      '## Completed',
      '',
      '| Story | Description | Agent | Wave |',
      '|---|---|---|---|',
      '| [DONE] **5-3** | Batch progress | Dev 1 | 4 |',
      '| [DONE] **5-4** | Organize | Dev 2 | 4 |',
      '',
      '## Tier 5',
      '',
      `${head}| [DONE] | **5-3** | Batch progress tracking | None |\n| [IN PROGRESS: Dev 2] | **5-4** | Organize outputs | 5-3 ✅ |`,
    ].join('\n');
    const r = await q(md);
    expect(ids(r.stories)).toEqual(['5-3', '5-4']);
    const s53 = r.graph.byId.get('5-3')!;
    expect(s53.occurrences.map((o) => o.kind)).toEqual(['table', 'log']);
    expect(s53.sectionPath).toEqual(['Tier 5']);
    expect(s53.owner).toBe('Dev 1');
    expect(s53.wave).toBe('4');
    const conflict = r.diagnostics.filter((d) => d.code === 'duplicate_conflict');
    expect(conflict).toHaveLength(1);
    expect(conflict[0].story).toBe('5-4');
    expect(r.graph.byId.get('5-4')!.claimant).toBe('Dev 2');
  });
});

describe('unblockCounts', () => {
  it('counts the open dependents that wait on a story alone', async () => {
    const g = (
      await readQueue([
        {
          file: 'Q.md',
          text:
            head +
            [
              '| [ ] | **A** | a | None |',
              '| [ ] | **B** | b | None |',
              '| [BLOCKED] | **C** | waits on A only | A |',
              '| [BLOCKED] | **D** | waits on A and B | A, B |',
              '| [BLOCKED] | **E** | waits on A only | A |',
              '| [DONE] | **F** | done, not counted | A |',
            ].join('\n'),
        },
      ])
    ).graph;
    const u = g.unblockCounts();
    expect([u.get('A'), u.get('B'), u.get('C')]).toEqual([2, 0, 0]);
  });
});
