// The incremental first read (app/index-cache.ts patchIndex, read/rows.ts) against a full read:
// over generated queues and the fixtures, random edits of one or more lines (claims, dones, holds,
// titles, owners, dependencies, and edits that must send the file to a full read: a new row, a
// header, a pipe in a cell, a fence, an id) give, whenever the index is patched at all, the very
// index a full read of the edited file makes, field by field. Seeded by QUEUE_TEST_SEED.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildIndex, patchIndex, viewOf, type BuiltIndex } from '../../src/app/index-cache.js';
import { readQueue } from '../../src/read/queue.js';
import { patchableRows } from '../../src/read/rows.js';
import { generateQueue } from '../../bench/generate.mjs';
import { corpusFiles, fixtureFiles, rng, testSeed, withoutCorpus } from '../helpers.js';
import { edit, walkGenerated } from './edits.js';

const SEED = testSeed();

async function full(text: string, key: string): Promise<BuiltIndex> {
  const q = await readQueue([{ file: 'WORK_QUEUE.md', bytes: Buffer.from(text) }]);
  return buildIndex(q, key, patchableRows(q));
}

/** The index as data: every part, the JSON part as text. */
function comparable(b: BuiltIndex) {
  const { filesSum: _sum, rowsSum: _rows, ...index } = b.index;
  const rows = b.rows && { ...b.rows, tables: [...b.rows.tables] };
  return { index, rows, files: b.files, json: b.json.toString('utf8') };
}

/** Edit `text` `steps` times, patching each index from the one before; every patch must equal the
 * full read. Returns how many edits were patched and how many read in full. */
async function walk(text: string, steps: number, r: () => number): Promise<{ patched: number; full: number }> {
  let before = Buffer.from(text);
  let index = await full(text, 'k0');
  let patched = 0;
  let fulls = 0;
  for (let s = 1; s <= steps; s++) {
    const next = edit(before.toString('utf8'), r);
    const after = Buffer.from(next);
    const key = `k${s}`;
    const expected = await full(next, key);
    const got = await patchIndex(viewOf(index), before, after, key, 'WORK_QUEUE.md');
    if (got) {
      patched++;
      expect(comparable(got), `step ${s}`).toEqual(comparable(expected));
    } else fulls++;
    // An edit that leaves no row to read alone (a fence, a remark-read stretch) ends the walk's use:
    // the next edit starts from the text before it.
    if (expected.rows !== null) {
      index = got ?? expected;
      before = after;
    }
  }
  return { patched, full: fulls };
}

describe('the incremental first read equals a full read', () => {
  it('over generated queues, edit after edit', async () => {
    const { patched, full: fulls } = await walkGenerated(walk, SEED, 0x5bd1e995);
    // The fast path is taken for most edits (status, title, owner changes), and refused for the rest.
    expect(patched).toBeGreaterThan(50);
    expect(fulls).toBeGreaterThan(20);
  }, 120_000);

  it('over the fixtures', async () => {
    const r = rng(Math.imul(SEED, 7919) ^ 0x1234);
    for (const file of fixtureFiles()) await walk(readFileSync(file, 'utf8'), 15, r);
  }, 120_000);

  it.skipIf(withoutCorpus('the incremental read against a full read over ../shared/corpus'))(
    'over the real queues and rgrid versions',
    async () => {
      const r = rng(Math.imul(SEED, 104729) ^ 0x77);
      for (const file of corpusFiles()) await walk(readFileSync(file, 'utf8'), 4, r);
    },
    300_000,
  );

  it('a claim at 10,000 stories is patched', async () => {
    const text = generateQueue(10_000);
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.startsWith('| [ ] |'));
    lines[at] = lines[at].replace('| [ ] |', '| [IN PROGRESS: Dev 9] |');
    const next = lines.join('\n');
    const got = await patchIndex(viewOf(await full(text, 'a')), Buffer.from(text), Buffer.from(next), 'b', 'WORK_QUEUE.md');
    expect(got).not.toBeNull();
    expect(comparable(got!)).toEqual(comparable(await full(next, 'b')));
  }, 120_000);

  it('a done at 10,000 stories is patched, with the done marks its follow step adds beside it', async () => {
    const text = generateQueue(10_000);
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.startsWith('| [ ] |'));
    const id = lines[at].split('|')[2].trim().replace(/\*/g, '');
    lines[at] = lines[at].replace('| [ ] |', '| [DONE] |');
    let marked = 0;
    for (let j = 0; j < lines.length; j++) {
      const cells = lines[j].split('|');
      if (j === at || cells.length < 6 || !new RegExp(`(^|[ ,])${id}(?![\\w-])`).test(cells[4])) continue;
      cells[4] = cells[4].replace(new RegExp(`(^|[ ,])${id}(?![\\w-])`), `$1${id} ✅`);
      lines[j] = cells.join('|');
      marked++;
    }
    expect(marked).toBeGreaterThan(0);
    const next = lines.join('\n');
    const got = await patchIndex(viewOf(await full(text, 'a')), Buffer.from(text), Buffer.from(next), 'b', 'WORK_QUEUE.md');
    expect(got).not.toBeNull();
    expect(comparable(got!)).toEqual(comparable(await full(next, 'b')));
  }, 120_000);

  it('neither a parent nor its children are read alone: a parent waits on its children', async () => {
    const text = [
      '| Status | Story | Description | Depends On |',
      '|---|---|---|---|',
      '| [ ] | **2** | Epic | None |',
      '| [ ] | **2-1** | Part | None |',
      '| [ ] | **3** | Alone | None |',
      '',
    ].join('\n');
    const q = await readQueue([{ file: 'WORK_QUEUE.md', text }], { vocabulary: { statuses: {}, columns: {}, ids: [], hierarchy: { prefixes: true } } });
    expect(q.graph.children('2')).toEqual(['2-1']);
    expect([...patchableRows(q)!]).toEqual([-1, -1, 0]);
  });
});
