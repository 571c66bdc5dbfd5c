/**
 * `queue plan`: schedules compared with ones computed by hand on small graphs (chains, independent
 * sets, a diamond, the longest remaining path before file order), claimed work on its holder's
 * track, what is left out, effort units; the `queue:plan` block; the CLI's JSON.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readQueue } from '../../src/read/queue.js';
import { parseEffort, plan, planJson, placements } from '../../src/model/plan.js';
import { reconcile } from '../../src/reconcile/reconcile.js';
import { applyEdits } from '../../src/edit/splice.js';
import { DEFAULTS } from '../../src/domain/config.js';
import { queue as cli } from '../git/repos.js';
import { rng, tempDir, testSeed, withSeed } from '../helpers.js';

/** A queue of `rows`: [status, id, deps, effort]. */
function text(rows: Array<[string, string, string, string]>, tail = ''): string {
  return `# Q\n\n## Stories\n\n| Status | Story | Description | Depends On | Effort |\n|---|---|---|---|---|\n${rows.map(([s, id, d, e]) => `| ${s} | **${id}** | ${id.toLowerCase()} | ${d || 'None'} | ${e} |`).join('\n')}\n${tail}`;
}
const q = (rows: Array<[string, string, string, string]>) => readQueue([{ file: 'WORK_QUEUE.md', text: text(rows) }]);
/** Each story's `track start-end`, as placed. */
async function schedule(rows: Array<[string, string, string, string]>, agents: number) {
  const p = plan((await q(rows)).graph, { agents, sizes: DEFAULTS.effort });
  return { p, at: Object.fromEntries([...placements(p)].map(([id, x]) => [id, `${x.track} ${x.start}-${x.end}`])) };
}

describe('plan', () => {
  it('a chain runs on one track, one story after another: the makespan is its total effort, its critical path the chain', async () => {
    const { p, at } = await schedule(
      [
        ['[ ]', 'A', '', '2'],
        ['[BLOCKED]', 'B', 'A', '3'],
        ['[BLOCKED]', 'C', 'B', '1'],
      ],
      3,
    );
    expect(at).toEqual({ A: 'A 0-2', B: 'A 2-5', C: 'A 5-6' });
    expect(p.makespan).toBe(6);
    expect(p.criticalPath).toEqual(['A', 'B', 'C']);
    expect(p.criticalLength).toBe(6);
    expect(p.utilization).toBeCloseTo(6 / 18);
  });

  it('independent stories of equal effort fill the tracks evenly: makespan ⌈n / agents⌉; unequal ones longest first', async () => {
    const six = await schedule(
      ['A', 'B', 'C', 'D', 'E', 'F'].map((id): [string, string, string, string] => ['[ ]', id, '', '1']),
      3,
    );
    expect(six.at).toEqual({ A: 'A 0-1', B: 'B 0-1', C: 'C 0-1', D: 'A 1-2', E: 'B 1-2', F: 'C 1-2' });
    expect(six.p.makespan).toBe(2);
    expect(six.p.utilization).toBe(1);
    // 2, 3, 2, 3 on two agents: the 3s first (0-3), then the 2s (3-5): 5 = 10 / 2, the optimum.
    const four = await schedule(
      [
        ['[ ]', 'A', '', '2'],
        ['[ ]', 'B', '', '3'],
        ['[ ]', 'C', '', '2'],
        ['[ ]', 'D', '', '3'],
      ],
      2,
    );
    expect(four.at).toEqual({ B: 'A 0-3', D: 'B 0-3', A: 'A 3-5', C: 'B 3-5' });
    expect(four.p.makespan).toBe(5);
  });

  it('a diamond waits for its longer branch; the longest remaining path goes before file order', async () => {
    // A(1) → B(3), C(1) → D(1) on 2 agents: A 0-1; B 1-4 and C 1-2; D 4-5. Critical path A B D = 5.
    const diamond = await schedule(
      [
        ['[ ]', 'A', '', '1'],
        ['[BLOCKED]', 'C', 'A', '1'],
        ['[BLOCKED]', 'B', 'A', '3'],
        ['[BLOCKED]', 'D', 'B, C', '1'],
      ],
      2,
    );
    expect(diamond.at).toEqual({ A: 'A 0-1', B: 'A 1-4', C: 'B 1-2', D: 'A 4-5' });
    expect(diamond.p.makespan).toBe(5);
    expect(diamond.p.criticalPath).toEqual(['A', 'B', 'D']);
    // X(1), W(1), Y(1) → Z(5) on 2 agents: Y first (remaining 6), then Z at 1: makespan 6 (file order would give 7).
    const lrp = await schedule(
      [
        ['[ ]', 'X', '', '1'],
        ['[ ]', 'W', '', '1'],
        ['[ ]', 'Y', '', '1'],
        ['[BLOCKED]', 'Z', 'Y', '5'],
      ],
      2,
    );
    expect(lrp.at).toEqual({ Y: 'A 0-1', X: 'B 0-1', Z: 'A 1-6', W: 'B 1-2' });
    expect(lrp.p.makespan).toBe(6);
  });

  it("claimed work starts now on its holder's track; holds, unknown dependencies and what waits on them are left out", async () => {
    const { p, at } = await schedule(
      [
        ['[DONE]', 'A', '', '5'],
        ['[IN PROGRESS: Dev 1]', 'B', 'A', '2'],
        ['[ ]', 'C', 'A', '1'],
        ['[BLOCKED]', 'D', 'B', '1'],
        ['[BLOCKED: keys]', 'E', '', '1'],
        ['[BLOCKED]', 'F', 'E', '1'],
        ['[BLOCKED]', 'G', 'NOPE-1', '1'],
      ],
      2,
    );
    expect(at).toEqual({ B: 'A 0-2', C: 'B 0-1', D: 'A 2-3' });
    expect(p.tracks.map((t) => t.agent)).toEqual(['Dev 1', 'Track B']);
    expect(p.tracks[0].stories[0].claimed).toBe(true);
    expect(p.unscheduled).toEqual([
      { id: 'E', reason: 'held: keys' },
      { id: 'F', reason: 'waits on E, which is not scheduled' },
      { id: 'G', reason: 'waits on NOPE-1, which the queue does not know' },
    ]);
    expect(p.makespan).toBe(3);
    // More holders than agents: each holder keeps a track.
    const two = await schedule(
      [
        ['[IN PROGRESS: Dev 1]', 'A', '', '1'],
        ['[REVIEW: Dev 2]', 'B', '', '1'],
      ],
      1,
    );
    expect(two.p.tracks.map((t) => t.agent)).toEqual(['Dev 1', 'Dev 2']);
  });

  it('a container takes no time and ends with its last open child; planning work, a parent of unscheduled parts and what waits on them are left out', async () => {
    const rows = [
      '| [ ] | **E** | epic | | None | 8 |',
      '| [ ] | **E-1** | part one | E | None | 2 |',
      '| [ ] | **E-2** | part two | E | None | 3 |',
      '| [DONE] | **E-3** | part three | E | None | 5 |',
      '| [BLOCKED] | **X** | after the epic | | E | 1 |',
      '| needs decomposition | **P** | plan it | | None | 1 |',
      '| [BLOCKED] | **Y** | after the plan | | P | 1 |',
      '| [ ] | **H** | epic with a held part | | None | 1 |',
      '| [BLOCKED: keys] | **H-1** | held | H | None | 1 |',
    ];
    const text = `# Q\n\n| Status | Story | Description | Parent | Depends On | Effort |\n|---|---|---|---|---|---|\n${rows.join('\n')}\n`;
    const queue = await readQueue([{ file: 'WORK_QUEUE.md', text }]);
    expect(queue.graph.openChildren('E')).toEqual(['E-1', 'E-2']);
    const p = plan(queue.graph, { agents: 2, sizes: DEFAULTS.effort });
    const at = Object.fromEntries([...placements(p)].map(([id, x]) => [id, `${x.start}-${x.end}`]));
    expect(at).toEqual({ 'E-2': '0-3', 'E-1': '0-2', E: '3-3', X: '3-4' });
    expect(p.makespan).toBe(4);
    expect(p.criticalPath).toEqual(['E-2', 'E', 'X']);
    expect(p.unscheduled).toEqual([
      { id: 'P', reason: 'needs decomposition: its stories are not written yet (queue ready --planning)' },
      { id: 'Y', reason: 'waits on P, which is not scheduled' },
      { id: 'H', reason: 'its part H-1 is not scheduled' },
      { id: 'H-1', reason: 'held: keys' },
    ]);
  });

  it('reads efforts: numbers, hours, days (8 hours where both are written), points, sizes; 1 when absent', async () => {
    expect(parseEffort('3')).toEqual({ value: 3, unit: null });
    expect(parseEffort('2.5h')).toEqual({ value: 2.5, unit: 'h' });
    expect(parseEffort('4 hours')).toEqual({ value: 4, unit: 'h' });
    expect(parseEffort('2-3d')).toEqual({ value: 3, unit: 'd' });
    expect(parseEffort('5 pts')).toEqual({ value: 5, unit: 'pt' });
    expect(parseEffort('m', { S: 1, M: 3 })).toEqual({ value: 3, unit: null });
    expect(parseEffort('soon')).toBeNull();
    const mixed = await schedule(
      [
        ['[ ]', 'A', '', '1d'],
        ['[ ]', 'B', '', '4h'],
        ['[ ]', 'C', '', ''],
        ['[ ]', 'D', '', 'L'],
      ],
      1,
    );
    expect(mixed.p.unit).toBe('hours');
    expect(mixed.p.makespan).toBe(8 + 4 + 1 + 8);
    expect((await schedule([['[ ]', 'A', '', '2d']], 1)).p.unit).toBe('days');
  });

  it('the queue:plan block renders the plan for the agents its marker names, and a second render changes nothing', async () => {
    const rows: Array<[string, string, string, string]> = [
      ['[ ]', 'A', '', '2'],
      ['[ ]', 'B', '', '2'],
      ['[BLOCKED]', 'C', 'A, B', '1'],
    ];
    const src = text(rows, '\n## Plan\n\n<!-- queue:plan agents=1 -->\n<!-- /queue:plan -->\n');
    const before = await readQueue([{ file: 'WORK_QUEUE.md', text: src }]);
    const r = reconcile(before)[0];
    expect(r.effects).toContainEqual({ kind: 'render', block: 'queue:plan' });
    const rendered = applyEdits(src, r.edits);
    expect(rendered).toContain('_1 agent: done in 5; critical path A → C (3); utilization 100%._');
    expect(rendered).toContain('| **A** | a | 0 | 2 |\n| **B** | b | 2 | 4 |\n| **C** | c | 4 | 5 |');
    const after = await readQueue([{ file: 'WORK_QUEUE.md', text: rendered }]);
    // The block's tables add no story and no diagnostic.
    expect(after.stories.map((s) => [s.id, s.status.raw])).toEqual(before.stories.map((s) => [s.id, s.status.raw]));
    expect(after.diagnostics).toEqual(before.diagnostics);
    expect(reconcile(after)[0].edits).toEqual([]);
  });

  it("the queue:plan block schedules with the config's effort sizes: in the reconciler's options, and through queue render and its check", async () => {
    const rows: Array<[string, string, string, string]> = [
      ['[ ]', 'A', '', 'S'],
      ['[BLOCKED]', 'B', 'A', 'M'],
    ];
    const src = text(rows, '\n<!-- queue:plan agents=1 -->\n<!-- /queue:plan -->\n');
    const queue = await readQueue([{ file: 'WORK_QUEUE.md', text: src }]);
    const sized = applyEdits(src, reconcile(queue, { blocks: { effort: { S: 2, M: 5 } } })[0].edits);
    expect(sized).toContain('_1 agent: done in 7; critical path A → B (7); utilization 100%._');
    // Without the config's sizes, the built-in ones (S 1, M 3).
    expect(applyEdits(src, reconcile(queue)[0].edits)).toContain('_1 agent: done in 4;');

    const dir = tempDir('queue-plan-effort-');
    writeFileSync(join(dir, 'WORK_QUEUE.md'), src);
    writeFileSync(join(dir, 'queue.config.json'), JSON.stringify({ effort: { S: 2, M: 5 } }));
    const r = await cli(dir, ['render']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'WORK_QUEUE.md'), 'utf8')).toContain('_1 agent: done in 7; critical path A → B (7); utilization 100%._');
    const check = await cli(dir, ['render', '--check']);
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });

  it('on random graphs: dependencies respected, no track overlaps, and the makespan within the bounds of list scheduling', async () => {
    const seed = testSeed();
    await withSeed(seed, async () => {
      const r = rng(seed);
      for (let round = 0; round < 20; round++) {
        const n = 5 + Math.floor(r() * 40);
        const agents = 1 + Math.floor(r() * 4);
        const rows: Array<[string, string, string, string]> = [];
        for (let i = 0; i < n; i++) {
          const deps = [...new Set(Array.from({ length: Math.floor(r() * 3) }, () => Math.floor(r() * i)).filter((d) => d < i))].map((d) => `S${d}`);
          const status = i < n / 5 && deps.length === 0 && r() < 0.3 ? `[IN PROGRESS: Dev ${i % 2}]` : deps.length ? '[BLOCKED]' : '[ ]';
          rows.push([status, `S${i}`, deps.join(', '), String(Math.floor(r() * 4))]);
        }
        const queue = await q(rows);
        const p = plan(queue.graph, { agents });
        const at = placements(p);
        expect(at.size).toBe(n);
        for (const s of queue.stories) for (const d of s.deps) if (!s.status.raw.startsWith('[IN PROGRESS')) expect(at.get(s.id)!.start).toBeGreaterThanOrEqual(at.get(d.id!)!.end);
        for (const t of p.tracks) for (let k = 1; k < t.stories.length; k++) expect(t.stories[k].start).toBeGreaterThanOrEqual(t.stories[k - 1].end);
        const total = p.tracks.reduce((a, t) => a + t.stories.reduce((b, x) => b + x.effort, 0), 0);
        const m = p.tracks.length;
        expect(p.makespan).toBeGreaterThanOrEqual(Math.max(p.criticalLength, total / m) - 1e-9);
        // Graham's bound for list scheduling (claimed work, pinned to its holders, only adds to a track's own chain).
        const claimed = Math.max(0, ...p.tracks.map((t) => t.stories.filter((x) => x.claimed).reduce((a, x) => a + x.effort, 0)));
        expect(p.makespan).toBeLessThanOrEqual(total / m + p.criticalLength + claimed + 1e-9);
      }
    });
  });

  it('queue plan --json: the JSON contract', async () => {
    const dir = tempDir('queue-plan-');
    writeFileSync(
      join(dir, 'WORK_QUEUE.md'),
      text([
        ['[ ]', 'A', '', 'M'],
        ['[BLOCKED]', 'B', 'A', 'S'],
      ]),
    );
    writeFileSync(join(dir, 'queue.config.json'), JSON.stringify({ effort: { S: 2, M: 5 } }));
    const r = await cli(dir, ['plan', '--agents', '2', '--json']);
    expect(r.code).toBe(0);
    expect(r.json).toEqual({
      schemaVersion: 1,
      agents: 2,
      unit: 'units',
      makespan: 7,
      criticalPath: ['A', 'B'],
      criticalLength: 7,
      utilization: 0.5,
      tracks: [
        {
          track: 'A',
          agent: 'Track A',
          stories: [
            { id: 'A', start: 0, end: 5, effort: 5 },
            { id: 'B', start: 5, end: 7, effort: 2 },
          ],
        },
        { track: 'B', agent: 'Track B', stories: [] },
      ],
      unscheduled: [],
    });
    expect(planJson(plan((await q([['[ ]', 'A', '', '1']])).graph, { agents: 1 })).makespan).toBe(1);
    expect((await cli(dir, ['plan', '--agents', '0', '--json'])).json.error.code).toBe('usage');
  });
});
