/**
 * Every write leaves the file as `queue render` would for what it touched: random sequences of the
 * write commands on generated table queues (dependencies, done marks, holds, generated blocks),
 * decided and applied in-process with the follow step the writes take (`reconcile/` withFollow, as
 * `app/write.ts` and group commit use it), and after every step the reconciler finds nothing to do
 * (`render --check` is clean). Seeded: `QUEUE_TEST_SEED=<seed>` replays a run.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/domain/config.js';
import { QueueError } from '../../src/domain/errors.js';
import { isClaimed } from '../../src/domain/status.js';
import { applyDecision } from '../../src/edit/apply.js';
import { serveClaims } from '../../src/edit/combine.js';
import { type Decision, decide, decideRelease } from '../../src/edit/decide.js';
import { decideAdd, decideDep } from '../../src/edit/structure.js';
import { readQueue, type Queue } from '../../src/read/queue.js';
import { reconcile, renderDecision, withFollow } from '../../src/reconcile/reconcile.js';
import { rng, testSeed, withSeed } from '../helpers.js';

const SEED = testSeed();
const STEPS = 200;
const FILE = 'WORK_QUEUE.md';
const AGENTS = ['Dev 1', 'Dev 2', 'Dev 3'];
const config = { ...defaultConfig(), maxClaims: 2 };

const read = (text: string) => readQueue([{ file: FILE, text }]);

/** A table queue: one or two sections, dependencies on earlier stories, any statuses, maybe blocks. */
function generate(r: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const lines = ['# Work Queue', ''];
  for (const name of ['ready', 'progress', 'graph']) if (r() < (name === 'graph' ? 0.3 : 0.5)) lines.push(`<!-- queue:${name} -->`, `<!-- /queue:${name} -->`, '');
  const blockedStyle = r() < 0.6;
  const ids: string[] = [];
  const done = new Set<string>();
  for (let sec = 1; sec <= 1 + Math.floor(r() * 2); sec++) {
    lines.push(`## Epic ${sec}`, '', '| Status | Story | Description | Depends On |', '|--------|-------|-------------|------------|');
    for (let i = 1; i <= 2 + Math.floor(r() * 5); i++) {
      const id = `${sec}-${i}`;
      const deps = [...new Set(ids.filter(() => r() < 0.25).slice(0, 3))];
      const waits = deps.some((d) => !done.has(d));
      const x = r();
      let status: string;
      if (x < 0.3 && !waits) {
        status = '[DONE]';
        done.add(id);
      } else if (x < 0.4 && !waits) status = `[IN PROGRESS: ${pick(AGENTS)}]`;
      else if (x < 0.45 && !waits) status = `[REVIEW: ${pick(AGENTS)}]`;
      else if (x < 0.5) status = '[BLOCKED: needs keys]';
      else status = waits && blockedStyle ? '[BLOCKED]' : '[ ]';
      const cell = deps.length ? deps.map((d) => (done.has(d) && r() < 0.7 ? `${d} ✅` : d)).join(', ') : 'None';
      lines.push(`| ${status} | **${id}** | Story ${id} | ${cell} |`);
      ids.push(id);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** The generated text brought in step by `queue render`: the run starts from a consistent file. */
async function rendered(text: string): Promise<string> {
  const queue = await read(text);
  const d = renderDecision(queue, 'queue');
  return d.unchanged ? text : (await applyDecision(queue, d)).content;
}

/** One random write on `queue`: a label and its decision (with the follow step every write takes), or null. */
function randomWrite(queue: Queue, r: () => number, added: { n: number }): { label: string; decision: Decision; pending?: string[] } | null {
  const pick = <T>(xs: readonly T[]): T | undefined => (xs.length ? xs[Math.floor(r() * xs.length)] : undefined);
  const stories = queue.stories;
  const any = () => pick(stories)!;
  const claimed = stories.filter((s) => isClaimed(s.status.category));
  const follow = (d: Decision) => withFollow(queue, d, config);
  const x = Math.floor(r() * 13);
  switch (x) {
    case 0:
    case 1: {
      const agent = pick(AGENTS)!;
      const id = r() < 0.5 ? undefined : any().id;
      // Sometimes a group commit: other agents' claims served on top of this one.
      const pending = r() < 0.4 ? AGENTS.filter((a) => a !== agent && r() < 0.7) : undefined;
      return {
        label: `claim ${id ?? '(next)'} (${agent})${pending ? ` serving ${pending.join(', ')}` : ''}`,
        decision: follow(decide(queue, { op: 'claim', id, agent, maxClaims: config.maxClaims })),
        pending,
      };
    }
    case 2:
    case 3: {
      const s = pick(claimed);
      if (!s) return null;
      // A story in review is done by a reviewer's approve: its holder may not approve it (self_approve).
      if (s.status.category === 'review') return { label: `done ${s.id} (approved)`, decision: follow(decide(queue, { op: 'approve', id: s.id, agent: 'Reviewer' })) };
      return { label: `done ${s.id}`, decision: follow(decide(queue, { op: 'done', id: s.id, agent: s.claimant ?? 'Dev 1', force: !s.claimant })) };
    }
    case 4: {
      const s = pick(claimed);
      if (!s) return null;
      return { label: `release ${s.id}`, decision: follow(decide(queue, { op: 'release', id: s.id, agent: s.claimant ?? 'Dev 1', force: !s.claimant })) };
    }
    case 5: {
      const s = pick(claimed);
      if (!s) return null;
      return { label: `review ${s.id}`, decision: follow(decide(queue, { op: 'review', id: s.id, agent: s.claimant ?? 'Dev 1', force: !s.claimant })) };
    }
    case 12: {
      const s = pick(claimed);
      if (!s) return null;
      return { label: `stale release ${s.id}`, decision: follow(decideRelease(queue, [s.id], 'queue')) };
    }
    case 6: {
      const s = any();
      return { label: `block ${s.id}`, decision: follow(decide(queue, { op: 'block', id: s.id, agent: s.claimant ?? 'Dev 1', reason: 'waits for a decision' })) };
    }
    case 7: {
      const s = pick(stories.filter((t) => t.status.category === 'blocked')) ?? any();
      return { label: `unblock ${s.id}`, decision: follow(decide(queue, { op: 'unblock', id: s.id, agent: 'Dev 1' })) };
    }
    case 8: {
      const s = pick(stories.filter((t) => t.status.category === 'done')) ?? any();
      return { label: `reopen ${s.id}`, decision: follow(decide(queue, { op: 'reopen', id: s.id, agent: 'Dev 1' })) };
    }
    case 9: {
      const id = `N-${++added.n}`;
      const deps = [...new Set(stories.filter(() => r() < 0.15).map((s) => s.id))].slice(0, 3);
      return { label: `add ${id} --deps ${deps.join(',') || 'none'}`, decision: follow(decideAdd(queue, { id, title: `New ${id}`, deps, agent: 'Dev 1' })) };
    }
    case 10: {
      const [a, b] = [any(), any()];
      return { label: `dep add ${a.id} ${b.id}`, decision: follow(decideDep(queue, 'add', a.id, b.id, a.claimant ?? 'Dev 1')) };
    }
    default: {
      const a = pick(stories.filter((s) => s.deps.some((d) => d.id !== null)));
      if (!a) return null;
      const b = pick(a.deps.filter((d) => d.id !== null))!;
      return { label: `dep rm ${a.id} ${b.id}`, decision: follow(decideDep(queue, 'rm', a.id, b.id!, a.claimant ?? 'Dev 1')) };
    }
  }
}

/** A refusal the operation itself gives (not ready, not the holder, a cycle, …): the step writes nothing. */
const refused = (e: unknown) => e instanceof QueueError && e.code !== 'parse_error' && e.code !== 'rule_violation';

async function run(seed: number, steps: number): Promise<{ writes: number; kinds: Set<string>; served: number; rendered: number }> {
  const r = rng(seed);
  let text = await rendered(generate(r));
  const added = { n: 0 };
  let writes = 0;
  const kinds = new Set<string>();
  let served = 0;
  let renders = 0;
  for (let step = 0; step < steps; step++) {
    const queue = await read(text);
    let w: ReturnType<typeof randomWrite>;
    try {
      w = randomWrite(queue, r, added);
    } catch (e) {
      if (refused(e)) continue;
      throw e;
    }
    if (!w || w.decision.unchanged) continue;
    let applied = await applyDecision(queue, w.decision, config).catch((e) => {
      if (refused(e)) return null;
      throw new Error(`step ${step} (${w.label}) failed on\n${text}\n${(e as Error).message}`);
    });
    if (!applied) continue;
    if (w.pending?.length) {
      const pending = w.pending.map((agent, i) => ({ id: `r${i}`, op: { op: 'claim' as const, agent } }));
      const combined = await serveClaims(applied, pending, config, 5, (before, d) => withFollow(before, d, config));
      applied = combined.applied;
      served += combined.served.length;
    }
    if (applied.derived.some((e) => e.kind === 'render')) renders++;
    const left = reconcile(applied.after).flatMap((x) => x.effects);
    if (left.length) throw new Error(`step ${step} (${w.label}) left work for render: ${JSON.stringify(left)}\nbefore:\n${text}\nafter:\n${applied.content}`);
    text = applied.content;
    writes++;
    kinds.add(w.label.split(' ')[0]);
  }
  return { writes, kinds, served, rendered: renders };
}

describe('write consistency', () => {
  const RUNS = 1;
  it(`random writes keep render --check clean after every step (QUEUE_TEST_SEED=${SEED}: ${RUNS} runs of ${STEPS} steps)`, async () => {
    const kinds = new Set<string>();
    let [served, renders] = [0, 0];
    for (let i = 0; i < RUNS; i++) {
      // Each run on its own generated queue; the seed of run i is SEED + i.
      const out = await withSeed(SEED + i, () => run(SEED + i, STEPS));
      expect(out.writes).toBeGreaterThan(STEPS / 4);
      for (const k of out.kinds) kinds.add(k);
      served += out.served;
      renders += out.rendered;
    }
    // Every kind of write was made, claims were served by group commit, and writes re-rendered blocks.
    expect([...kinds].sort()).toEqual(['add', 'block', 'claim', 'dep', 'done', 'release', 'reopen', 'review', 'stale', 'unblock']);
    expect(served).toBeGreaterThan(0);
    expect(renders).toBeGreaterThan(0);
  }, 60_000);
});

/** Decide with the follow step every write takes, apply, and return the new text and effects. */
async function write(text: string, decideOn: (queue: Queue) => Decision, renderOnWrite = true) {
  const queue = await read(text);
  const applied = await applyDecision(queue, withFollow(queue, decideOn(queue), { renderOnWrite }), config);
  return { text: applied.content, effects: applied.derived, clean: reconcile(applied.after).every((x) => x.edits.length === 0) };
}

describe('each write keeps what it touched in step', () => {
  const head = '## Epic 3\n\n| Status | Story | Description | Depends On |\n|---|---|---|---|\n';
  const md = `${head}| [DONE] | **3-1** | a | None |\n| [ ] | **3-4** | b | 3-1 ✅ |\n| [ ] | **3-5** | c | None |\n| [BLOCKED] | **3-6** | d | 3-4 |\n`;

  it('dep add blocks a story that now waits, and marks a done dependency', async () => {
    const open = await write(md, (q) => decideDep(q, 'add', '3-5', '3-4', 'Dev 1'));
    expect(open.text).toBe(md.replace('| [ ] | **3-5** | c | None |', '| [BLOCKED] | **3-5** | c | 3-4 |'));
    expect(open.effects).toEqual([{ kind: 'block', id: '3-5', waitingOn: ['3-4'] }]);
    const done = await write(md, (q) => decideDep(q, 'add', '3-5', '3-1', 'Dev 1'));
    expect(done.text).toBe(md.replace('| [ ] | **3-5** | c | None |', '| [ ] | **3-5** | c | 3-1 ✅ |'));
    expect(done.effects).toEqual([{ kind: 'mark', id: '3-1', in: '3-5', mark: '✅' }]);
  });

  it('a done marks its dependents beside the reference a reader sees, not in a link destination or comment', async () => {
    // Marked inside `(stories/3-4.md)`, the row would not read back as intended, and the done was refused.
    const linked = md.replace('| 3-4 |', '| [spec](stories/3-4.md) <!-- 3-4 -->, `3-4` |').replace('| [ ] | **3-4**', '| [IN PROGRESS: Dev 1] | **3-4**');
    const out = await write(linked, (q) => decide(q, { op: 'done', id: '3-4', agent: 'Dev 1' }));
    // Still blocked: the link's text, `spec`, reads as a reference no story has.
    expect(out.text).toContain('| [BLOCKED] | **3-6** | d | [spec](stories/3-4.md) <!-- 3-4 -->, `3-4` ✅ |');
    expect(out.clean).toBe(true);
  });

  it('dep rm unblocks a story that no longer waits', async () => {
    const out = await write(md, (q) => decideDep(q, 'rm', '3-6', '3-4', 'Dev 1'));
    expect(out.text).toBe(md.replace('| [BLOCKED] | **3-6** | d | 3-4 |', '| [ ] | **3-6** | d | None |'));
    expect(out.effects).toEqual([{ kind: 'unblock', id: '3-6' }]);
  });

  it('add --deps writes the done mark beside a done dependency', async () => {
    const out = await write(md, (q) => decideAdd(q, { id: '3-7', title: 'e', deps: ['3-1', '3-4'], agent: 'Dev 1' }));
    expect(out.text.endsWith('| [BLOCKED] | **3-7** | e | 3-1 ✅, 3-4 |\n')).toBe(true);
    expect(out.clean).toBe(true);
  });

  it('release of a story that waits writes [BLOCKED] where the file does, [ ] where it does not', async () => {
    const claimed = `${head}| [ ] | **1-4** | a | None |\n| [IN PROGRESS: Dev 2] | **2-1** | b | 1-4 |\n| [BLOCKED] | **2-2** | c | 1-4 |\n`;
    // Decided so, before any follow step.
    expect(decide(await read(claimed), { op: 'release', id: '2-1', agent: 'Dev 2' }).changes).toEqual([{ id: '2-1', expect: { category: 'blocked', reason: null } }]);
    const out = await write(claimed, (q) => decide(q, { op: 'release', id: '2-1', agent: 'Dev 2' }));
    expect(out.text).toBe(claimed.replace('[IN PROGRESS: Dev 2]', '[BLOCKED]'));
    // A file that writes [ ] for a story that waits (2-2) keeps doing so.
    const plain = claimed.replace('| [BLOCKED] | **2-2**', '| [ ] | **2-2**');
    expect((await write(plain, (q) => decide(q, { op: 'release', id: '2-1', agent: 'Dev 2' }))).text).toBe(plain.replace('[IN PROGRESS: Dev 2]', '[ ]'));
  });

  it('a manual hold does not make a file write [BLOCKED] for stories that wait', async () => {
    const plain = `${head}| [ ] | **1-1** | a | None |\n| [ ] | **1-2** | b | 1-1 |\n`;
    const out = await write(plain, (q) => decide(q, { op: 'block', id: '1-1', agent: 'Dev 1', reason: 'keys' }));
    expect(out.text).toBe(plain.replace('| [ ] | **1-1**', '| [BLOCKED: keys] | **1-1**'));
    expect(out.clean).toBe(true);
  });

  it('a claim re-renders the generated blocks, and is a one-line diff in a file without them', async () => {
    const blocks = `<!-- queue:ready -->\n<!-- /queue:ready -->\n\n${md}`;
    const start = await rendered(blocks);
    expect(start).toContain('| **3-4** | b | 3-1 |');
    const out = await write(start, (q) => decide(q, { op: 'claim', id: '3-4', agent: 'Dev 1', maxClaims: 1 }));
    expect(out.text).not.toContain('| **3-4** | b | 3-1 |');
    expect(out.effects).toEqual([{ kind: 'render', block: 'queue:ready' }]);
    expect(out.clean).toBe(true);
    // renderOnWrite false leaves the blocks to `queue render`.
    const off = await write(start, (q) => decide(q, { op: 'claim', id: '3-4', agent: 'Dev 1', maxClaims: 1 }), false);
    expect(off.text).toBe(start.replace('| [ ] | **3-4**', '| [IN PROGRESS: Dev 1] | **3-4**'));
    const plain = await write(md, (q) => decide(q, { op: 'claim', id: '3-4', agent: 'Dev 1', maxClaims: 1 }));
    expect(plain.text).toBe(md.replace('| [ ] | **3-4**', '| [IN PROGRESS: Dev 1] | **3-4**'));
  });
});
