// The re-read after a write (read/patch.ts patchQueue) against a full read: over generated queues,
// the fixtures and the corpus, random edits of one or more lines give, whenever the queue is patched
// at all, the very queue a full read of the edited text gives: every story and field, every
// diagnostic, the documents' tables and headings, and the graph's answers. Seeded by QUEUE_TEST_SEED.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readQueue, type Queue } from '../../src/read/queue.js';
import { byteLineBefore, changedByteLines, changedLines, lineBefore } from '../../src/read/changes.js';
import { patchQueue, rereadQueue } from '../../src/read/patch.js';
import { patchableRows, rowsReadAlone } from '../../src/read/rows.js';
import { generateQueue } from '../../bench/generate.mjs';
import { corpusFiles, fixtureFiles, rng, testSeed, withoutCorpus } from '../helpers.js';
import { edit, walkGenerated } from './edits.js';

const SEED = testSeed();

const read = (text: string) => readQueue([{ file: 'WORK_QUEUE.md', text }]);

/** A queue as data: what every caller of a re-read may look at. */
function comparable(q: Queue) {
  const g = q.graph;
  return {
    documents: q.documents,
    stories: q.stories,
    diagnostics: q.diagnostics,
    graph: {
      byId: q.stories.map((s) => [s.id, g.byId.get(s.id)]),
      cycles: g.cycles,
      ready: g.ready().map((s) => s.id),
      blocked: g.blocked(),
      waves: g.waves(),
      critical: g.criticalPath(),
      unblocks: [...g.unblockCounts()],
    },
  };
}

/** Edit `text` `steps` times, patching each queue from the one before; every patch must equal the
 * full read. Returns how many edits were patched and how many read in full. */
async function walk(text: string, steps: number, r: () => number): Promise<{ patched: number; full: number }> {
  let before = await read(text);
  let patched = 0;
  let fulls = 0;
  for (let s = 1; s <= steps; s++) {
    const next = edit(before.documents[0].text, r);
    let expected: Queue;
    try {
      expected = await read(next);
    } catch {
      continue;
    }
    const got = await patchQueue(before, next);
    if (got) {
      patched++;
      expect(comparable(got), `step ${s}`).toEqual(comparable(expected));
      // The rows that read alone, carried over from `before`, are those a full read finds.
      expect(patchableRows(got), `step ${s}`).toEqual(rowsReadAlone(expected));
    } else fulls++;
    before = got ?? expected;
  }
  return { patched, full: fulls };
}

describe('the re-read after a write equals a full read', () => {
  it('over generated queues, edit after edit', async () => {
    const { patched, full: fulls } = await walkGenerated(walk, SEED, 0x2545f491);
    // Most edits (status, title, owner changes) are patched; the rest are read in full.
    expect(patched).toBeGreaterThan(50);
    expect(fulls).toBeGreaterThan(20);
  }, 120_000);

  it('over the fixtures', async () => {
    const r = rng(Math.imul(SEED, 7919) ^ 0x4321);
    for (const file of fixtureFiles()) await walk(readFileSync(file, 'utf8'), 15, r);
  }, 120_000);

  it.skipIf(withoutCorpus('the re-read after a write against a full read over ../shared/corpus'))(
    'over the real queues and rgrid versions',
    async () => {
      const r = rng(Math.imul(SEED, 104729) ^ 0x99);
      for (const file of corpusFiles()) await walk(readFileSync(file, 'utf8'), 4, r);
    },
    300_000,
  );

  it('a claim at 10,000 stories is patched', async () => {
    const text = generateQueue(10_000);
    const at = text.indexOf('| [ ] |');
    const next = `${text.slice(0, at)}| [IN PROGRESS: Dev 9] |${text.slice(at + 7)}`;
    const got = await patchQueue(await read(text), next);
    expect(got).not.toBeNull();
    expect(comparable(got!)).toEqual(comparable(await read(next)));
  }, 120_000);

  it('an edit of many rows is patched when each row reads alone, and read in full past the point where that costs more', async () => {
    const text = generateQueue(2_000);
    const before = await read(text);
    // Statuses of the first open rows held: 100 rows of 2,000 (at most 2,000 / 16 = 125) are patched.
    const hold = (n: number) => {
      let k = 0;
      return text.replace(/\| \[ \] \|/g, (m) => (k++ < n ? '| [BLOCKED: hold] |' : m));
    };
    const some = hold(100);
    const got = await patchQueue(before, some);
    expect(got).not.toBeNull();
    expect(comparable(got!)).toEqual(comparable(await read(some)));
    // Every open row held (some 900): read in full.
    expect(await patchQueue(before, hold(Number.POSITIVE_INFINITY))).toBeNull();
  }, 120_000);

  it("a done's follow step is patched: the story done, its dependent unblocked, done marks beside it; a mark beside a story not done is not", async () => {
    const text = [
      '# Q',
      '',
      '| Status | Story | Title | Depends On |',
      '|---|---|---|---|',
      '| [IN PROGRESS: Dev 1] | **A** | a | None |',
      '| [BLOCKED] | **B** | b | A |',
      '| [DONE] | **C** | c | None |',
      '| [ ] | **D** | d | C, E |',
      '| [ ] | **E** | e | None |',
      '',
    ].join('\n');
    const before = await read(text);
    const done = text
      .replace('| [IN PROGRESS: Dev 1] | **A** |', '| [DONE] | **A** |')
      .replace('| [BLOCKED] | **B** | b | A |', '| [ ] | **B** | b | A ✅ |')
      .replace('| C, E |', '| C ✅, E |');
    const got = await patchQueue(before, done);
    expect(got).not.toBeNull();
    expect(comparable(got!)).toEqual(comparable(await read(done)));
    expect(got!.graph.ready().map((s) => s.id)).toEqual(['B', 'E']);
    // E is not done: its mark would be a stale_done_mark warning, which the full read gives.
    const stale = text.replace('| C, E |', '| C, E ✅ |');
    expect(await patchQueue(before, stale)).toBeNull();
    expect((await read(stale)).diagnostics.map((d) => d.code)).toContain('stale_done_mark');
  });

  it('finds the lines an edit changed, and refuses one that adds or removes a line', () => {
    expect(changedLines('a\nb\nc\n', 'a\nB!\nc\n')).toEqual({ first: 1, old: ['b'], now: ['B!'], start: 2 });
    expect(changedLines('a\nb\nc\nd', 'a\nx\nc\ny')).toEqual({ first: 1, old: ['b', 'c', 'd'], now: ['x', 'c', 'y'], start: 2 });
    expect(changedLines('a\nb\n', 'a\nb\n')).toBeNull();
    // From line 1 on: an edit of line 0 is none of its business.
    expect(changedLines('a\nb\nc\n', 'A\nb\nc\n', 1)).toBeNull();
    expect(changedLines('a\nb\nc\n', 'a\nB\nc\n', 1)).toEqual({ first: 1, old: ['b'], now: ['B'], start: 2 });
    expect(changedLines('a\nb\n', 'ab\nb\n', 1)).toBeNull();
    expect(changedLines('a\nb\n', 'a\nb\nc\n')).toBeNull();
    expect(changedLines('a\nb\nc\n', 'a\nc\n')).toBeNull();
    const [x, y] = ['x'.repeat(70_000), 'y'.repeat(70_000)];
    expect(changedLines(`${x}\nrow\n${y}`, `${x}\nROW!\n${y}`)).toEqual({
      first: 1,
      old: ['row'],
      now: ['ROW!'],
      start: 70_001,
    });
  });

  it('finds them in bytes as in the same bytes as one-byte strings, and knows where a known edit lies', () => {
    const r = rng(SEED);
    const base = Buffer.from(`${generateQueue(200)}Ünïcødé ✅ 表\n`);
    const pick = (n: number) => Math.floor(r() * n);
    for (let k = 0; k < 300; k++) {
      // One to three byte spans replaced by random bytes (newlines among them now and then).
      let after = base;
      let lo = Infinity;
      let hi = -Infinity;
      for (let e = 1 + pick(3); e > 0; e--) {
        const at = pick(after.length);
        const end = Math.min(after.length, at + pick(40));
        const text = Buffer.from(Array.from({ length: pick(30) }, () => (r() < 0.05 ? 10 : 32 + pick(90))));
        after = Buffer.concat([after.subarray(0, at), text, after.subarray(end)]);
        lo = Math.min(lo, at);
        hi = Math.max(hi, end);
      }
      const from = pick(3);
      const expected = changedLines(base.toString('latin1'), after.toString('latin1'), from);
      expect(changedByteLines(base, after, from), `edit ${k}`).toEqual(expected);
      for (let l = 0; expected && l < expected.first; l++)
        expect(byteLineBefore(base, expected.start, expected.first, l)).toBe(lineBefore(base.toString('latin1'), expected.start, expected.first, l));
    }
    // An edit the caller made, told by where it begins and ends: the same lines, given as changed.
    const text = generateQueue(50);
    const at = text.indexOf('| [ ] |');
    const edited = `${text.slice(0, at)}| [IN PROGRESS: Dev 9] |${text.slice(at + 7)}`;
    expect(changedLines(text, edited, 1, { prefix: at, suffix: text.length - at - 7 })).toEqual(changedLines(text, edited, 1));
  });

  it('reads bytes again as a full read would: patched rows, bytes that are not UTF-8, a byte order mark', async () => {
    const text = generateQueue(300);
    const before = await read(text);
    const at = text.indexOf('| [ ] |');
    const claimed = `${text.slice(0, at)}| [IN PROGRESS: Dev 9] |${text.slice(at + 7)}`;
    const full = (bytes: Buffer) => readQueue([{ file: 'WORK_QUEUE.md', bytes }]);
    for (const bytes of [Buffer.from(claimed), Buffer.concat([Buffer.from(claimed), Buffer.from([0xff, 0x0a])]), Buffer.from(`\uFEFF${claimed}`)]) {
      expect(comparable(await rereadQueue(before, { file: 'WORK_QUEUE.md', bytes }))).toEqual(comparable(await full(bytes)));
    }
    // From a reading of a file with a byte order mark, bytes that are not all UTF-8 or lines ended by CR
    // alone, to one without (and back): the new file's own reading, never the old one's dress.
    const cr = claimed.replaceAll('\n', '\r');
    for (const [was, now] of [
      [Buffer.from(`\uFEFF${text}`), Buffer.from(claimed)],
      [Buffer.concat([Buffer.from(text.slice(0, at + 6)), Buffer.from([0xff]), Buffer.from(text.slice(at + 6))]), Buffer.from(claimed)],
      [Buffer.from(text.replaceAll('\n', '\r')), Buffer.from(claimed)],
      [Buffer.from(text), Buffer.from(cr)],
    ]) {
      const got = await rereadQueue(await full(was), { file: 'WORK_QUEUE.md', bytes: now });
      expect(comparable(got)).toEqual(comparable(await full(now)));
    }
    // Text already decoded reads as bytes do.
    expect(comparable(await rereadQueue(before, { file: 'WORK_QUEUE.md', text: claimed }))).toEqual(comparable(await full(Buffer.from(claimed))));
    expect(comparable(await rereadQueue(await full(Buffer.from(`\uFEFF${text}`)), { file: 'WORK_QUEUE.md', text: claimed }))).toEqual(comparable(await full(Buffer.from(claimed))));
    // Read with other words than before's: read in full with them.
    const vocabulary = { statuses: { shipped: 'done' as const }, columns: {}, ids: [] };
    const shipped = Buffer.from(claimed.replace('| [IN PROGRESS: Dev 9] |', '| shipped |'));
    const got = await rereadQueue(before, { file: 'WORK_QUEUE.md', bytes: shipped }, { vocabulary });
    expect(comparable(got)).toEqual(comparable(await readQueue([{ file: 'WORK_QUEUE.md', bytes: shipped }], { vocabulary })));
    expect(got.stories.find((s) => s.status.raw === 'shipped')?.status.category).toBe('done');
  });
});
