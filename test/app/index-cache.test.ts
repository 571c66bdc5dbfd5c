import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openQueue, openReady } from '../../src/app/open.js';
import { buildIndex, IndexCorrupt, readIndex, writeIndex } from '../../src/app/index-cache.js';
import { readQueue } from '../../src/read/queue.js';
import { patchableRows } from '../../src/read/rows.js';
import { diagnosticJson, storyJson } from '../../src/model/contract.js';
import { rankReady } from '../../src/model/rank.js';
import { heldBy } from '../../src/edit/decide.js';
import { locateQueueFile } from '../../src/app/locate.js';
import { corpusFiles, fixtureFiles, ROOT, tempDir, withoutCorpus } from '../helpers.js';

const BIN = join(ROOT, 'dist', 'queue.js');

/** For every file of `files`, for everyone and for one agent, ready from the index is ready from the full read. */
async function sameReady(files: string[]) {
  for (const file of files) {
    for (const agent of [undefined, 'Dev 2']) {
      const full = await openQueue({ file });
      // An agent holding its share is offered nothing (claim would say claim_limit).
      const { config } = locateQueueFile({ file });
      const held = agent ? heldBy(full, agent, config.agents).map((s) => s.id) : [];
      const atLimit = held.length && held.length >= config.maxClaims ? { held, limit: config.maxClaims } : null;
      const expected = { stories: atLimit ? [] : rankReady(full.graph, agent, config.agents).map((s) => storyJson(s, full.graph)), atLimit, diagnostics: full.diagnostics };
      const fast = await openReady({ file }, agent);
      expect({ stories: fast.stories, atLimit: fast.atLimit, diagnostics: fast.diagnostics.map(diagnosticJson) }, file).toEqual({
        ...expected,
        diagnostics: expected.diagnostics.map(diagnosticJson),
      });
    }
  }
}

describe('ready from the index equals ready from the full read', () => {
  it('on every queue fixture, for everyone and for one agent', async () => {
    await sameReady(fixtureFiles());
  });

  it.skipIf(withoutCorpus('ready from the index against a full read over ../shared/corpus'))(
    'on every real queue and rgrid version, for everyone and for one agent',
    async () => {
      await sameReady(corpusFiles());
    },
    120_000,
  );
});

function ready(cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(BIN, ['ready', '--json'], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe('the stored index (built CLI)', () => {
  it('answers like a full read, follows every change of the file, and survives a corrupt index', () => {
    const repo = tempDir('queue-index-');
    mkdirSync(join(repo, '.git'));
    mkdirSync(join(repo, 'stories'));
    writeFileSync(join(repo, 'stories', 'a.md'), '# A\n');
    const head = '| Status | Story | Description | Depends On | Story File |\n|---|---|---|---|---|\n';
    writeFileSync(join(repo, 'WORK_QUEUE.md'), `${head}| [ ] | **A** | a | None | \`stories/a.md\` |\n| [ ] | **B** | b | A | \`stories/b.md\` |\n`);
    const cold = ready(repo);
    const dir = join(repo, '.git', 'queue', 'index');
    expect(readdirSync(dir).filter((f) => f.endsWith('.v8') && !f.endsWith('.files.v8'))).toHaveLength(1);
    const warm = ready(repo);
    expect(warm).toEqual(cold);
    expect(ready(repo, { QUEUE_NO_INDEX: '1' })).toEqual(cold);
    expect(cold.stories.map((s: { id: string }) => s.id)).toEqual(['A']);
    expect(cold.diagnostics.map((d: { code: string }) => d.code)).toEqual(['missing_story_file']);

    // A change of one byte is a new index.
    writeFileSync(join(repo, 'WORK_QUEUE.md'), `${head}| [DONE] | **A** | a | None | \`stories/a.md\` |\n| [ ] | **B** | b | A | \`stories/b.md\` |\n`);
    expect(ready(repo).stories.map((s: { id: string }) => s.id)).toEqual(['B']);

    // The story-file check is kept while the directory is unchanged, and redone when it changes.
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(repo, 'stories'), old, old);
    expect(ready(repo).diagnostics).toHaveLength(1);
    expect(ready(repo).diagnostics).toHaveLength(1);
    expect(readdirSync(dir).some((f) => f.endsWith('.files.v8'))).toBe(true);
    writeFileSync(join(repo, 'stories', 'b.md'), '# B\n');
    expect(ready(repo).diagnostics).toEqual([]);
    rmSync(join(repo, 'stories', 'a.md'));
    expect(ready(repo).diagnostics.map((d: { story: string }) => d.story)).toEqual(['A']);

    // An index cut short inside its stories' JSON (the part read story by story): not an answer.
    const before = ready(repo);
    const index = readdirSync(dir).find((f) => f.endsWith('.v8') && !f.endsWith('.files.v8'))!;
    const whole = readFileSync(join(dir, index));
    writeFileSync(join(dir, index), whole.subarray(0, whole.length - 5));
    expect(ready(repo)).toEqual(before);
    expect(readFileSync(join(dir, index)).equals(whole)).toBe(true);

    // Garbage where the index was: rebuilt, same answer.
    for (const f of readdirSync(dir)) writeFileSync(join(dir, f), 'not an index');
    expect(ready(repo)).toEqual(before);
    expect(existsSync(dir)).toBe(true);
  });

  it('the story-file check is kept for the story files it checked: across a read in full that moves none, not across one that moves one', () => {
    const repo = tempDir('queue-index-check-');
    mkdirSync(join(repo, '.git'));
    mkdirSync(join(repo, 'stories'));
    for (const f of ['a.md', 'b.md']) writeFileSync(join(repo, 'stories', f), '# story\n');
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(repo, 'stories'), old, old);
    const row = (file: string) => `| [ ] | **B** | b | A | \`stories/${file}\` |\n`;
    const text = (title: string, file: string) =>
      `# ${title}\n\n| Status | Story | Description | Depends On | Story File |\n|---|---|---|---|---|\n| [ ] | **A** | a | None | \`stories/a.md\` |\n${row(file)}`;
    writeFileSync(join(repo, 'WORK_QUEUE.md'), text('Q', 'b.md'));
    expect(ready(repo).diagnostics).toEqual([]);
    // The check's record trusts the directory's time: a file gone with the time put back shows
    // whether the check was made again (it would say so) or kept.
    rmSync(join(repo, 'stories', 'b.md'));
    utimesSync(join(repo, 'stories'), old, old);
    // A new heading: the file is read in full, the story files are the same, the check is kept.
    writeFileSync(join(repo, 'WORK_QUEUE.md'), text('Queue', 'b.md'));
    const full = ready(repo);
    expect(full.diagnostics).toEqual([]);
    // A story file renamed in its row: checked again, and both files found missing.
    writeFileSync(join(repo, 'WORK_QUEUE.md'), text('Queue', 'c.md'));
    expect(ready(repo).diagnostics.map((d: { code: string; story: string }) => [d.code, d.story])).toEqual([['missing_story_file', 'B']]);
    writeFileSync(join(repo, 'WORK_QUEUE.md'), text('Queue 2', 'b.md'));
    expect(ready(repo).diagnostics.map((d: { code: string; story: string }) => [d.code, d.story])).toEqual([['missing_story_file', 'B']]);
    // A record copied into another clone's index directory, for the same story files, is not its own.
    const other = tempDir('queue-index-check-');
    mkdirSync(join(other, '.git'));
    mkdirSync(join(other, 'stories'));
    writeFileSync(join(other, 'WORK_QUEUE.md'), text('Queue 2', 'b.md'));
    utimesSync(join(other, 'stories'), old, old);
    expect(ready(other).diagnostics.map((d: { story: string }) => d.story)).toEqual(['A', 'B']);
    const dir = (r: string) => join(r, '.git', 'queue', 'index');
    const record = (r: string) => readdirSync(dir(r)).find((f) => f.endsWith('.files.v8'))!;
    writeFileSync(join(dir(other), record(other)), readFileSync(join(dir(repo), record(repo))));
    expect(ready(other).diagnostics.map((d: { story: string }) => d.story)).toEqual(['A', 'B']);
  });

  it('a flipped byte anywhere in the stored index is never an answer: each part proves itself, a mismatch is a rebuild', () => {
    const repo = tempDir('queue-index-flip-');
    mkdirSync(join(repo, '.git'));
    const head = '| Status | Story | Description | Depends On |\n|---|---|---|---|\n';
    const rows = Array.from({ length: 24 }, (_, i) => `| ${i % 3 === 0 ? '[DONE]' : i % 3 === 1 ? '[ ]' : '[BLOCKED]'} | **S-${i}** | story ${i} | ${i ? `S-${i - 1}` : 'None'} |`);
    writeFileSync(join(repo, 'WORK_QUEUE.md'), `${head}${rows.join('\n')}\n`);
    const truth = ready(repo, { QUEUE_NO_INDEX: '1' });
    expect(ready(repo)).toEqual(truth);
    const dir = join(repo, '.git', 'queue', 'index');
    const index = join(dir, readdirSync(dir).find((f) => f.endsWith('.v8') && !f.endsWith('.files.v8'))!);
    const whole = readFileSync(index);
    // Offsets spread over every part: the header, the answer, the story-file part, the stories' JSON.
    const offsets = new Set<number>([0, 3, 4, 10, 23, 24, 30]);
    for (let k = 1; k <= 40; k++) offsets.add(Math.floor((whole.length - 1) * (k / 40)));
    for (const at of offsets) {
      const flipped = Buffer.from(whole);
      flipped[at] ^= 0xff;
      writeFileSync(index, flipped);
      expect(ready(repo), `byte ${at} of ${whole.length} flipped`).toEqual(truth);
    }
  }, 120_000);

  it('the parts read on demand prove themselves: a flipped byte in the rows part is IndexCorrupt, never facts', async () => {
    const dir = tempDir('queue-index-rows-');
    const head = '| Status | Story | Description | Depends On |\n|---|---|---|---|\n';
    const rows = Array.from({ length: 30 }, (_, i) => `| ${['[DONE]', '[ ]', '[IN PROGRESS: Dev 1]'][i % 3]} | **S-${i}** | story ${i} | ${i ? `S-${i - 1} ✅` : 'None'} |`);
    const bytes = Buffer.from(`${head}${rows.join('\n')}\n`);
    const queue = await readQueue([{ file: 'WORK_QUEUE.md', bytes }]);
    const built = buildIndex(queue, 'k', patchableRows(queue));
    const path = join(dir, 'index.v8');
    writeIndex(path, built, bytes);
    const stored = readFileSync(path);
    // Read back, each part equals the built one: the columns stored as distinct values and codes included.
    const view = readIndex(path, 'k')!;
    expect({ ...view.index, filesSum: null, rowsSum: null }).toEqual({ ...built.index, filesSum: null, rowsSum: null });
    expect(view.rows()).toEqual(built.rows);
    expect(view.files()).toEqual(built.files);
    view.close();
    const [answer, files, rowsLength] = [0, 4, 8].map((at) => stored.readUInt32LE(at));
    const from = 32 + answer + files;
    expect(rowsLength).toBeGreaterThan(0);
    for (let at = from; at < from + rowsLength; at += 7) {
      const flipped = Buffer.from(stored);
      flipped[at] ^= 0x55;
      writeFileSync(path, flipped);
      const v = readIndex(path, 'k')!;
      // The answer part is untouched: the index opens, and the rows part refuses.
      expect(() => v.rows(), `byte ${at - from} of the rows part`).toThrow(IndexCorrupt);
      v.close();
    }
  });

  it('after an edit of a row (a claim), the patched index answers like a full read; a flipped byte in the index or its base is never an answer', () => {
    const repo = tempDir('queue-index-patch-');
    mkdirSync(join(repo, '.git'));
    const file = join(repo, 'WORK_QUEUE.md');
    const head = '| Status | Story | Description | Depends On |\n|---|---|---|---|\n';
    const rows = Array.from({ length: 24 }, (_, i) => `| ${i % 3 === 0 ? '[DONE]' : i % 3 === 1 ? '[ ]' : '[BLOCKED]'} | **S-${i}** | story ${i} | ${i ? `S-${i - 1}` : 'None'} |`);
    const text = `${head}${rows.join('\n')}\n`;
    const edits = [
      text.replace('| [ ] | **S-4** |', '| [IN PROGRESS: ann] | **S-4** |'),
      text.replace('| [DONE] | **S-3** |', '| [ ] | **S-3** |'),
      text.replace('| [ ] | **S-4** | story 4 |', '| [ ] | **S-4** | a new title |'),
    ];
    writeFileSync(file, text);
    expect(ready(repo)).toEqual(ready(repo, { QUEUE_NO_INDEX: '1' }));
    const dir = join(repo, '.git', 'queue', 'index');
    const saved = new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f))]));
    const restore = () => {
      for (const f of readdirSync(dir)) rmSync(join(dir, f));
      for (const [f, b] of saved) writeFileSync(join(dir, f), b);
    };
    for (const next of edits) {
      writeFileSync(file, next);
      const truth = ready(repo, { QUEUE_NO_INDEX: '1' });
      restore();
      expect(ready(repo)).toEqual(truth);
      expect(ready(repo)).toEqual(truth);
    }
    const next = edits[0];
    writeFileSync(file, next);
    const truth = ready(repo, { QUEUE_NO_INDEX: '1' });
    for (const name of [...saved.keys()].filter((f) => !f.endsWith('.files.v8'))) {
      const whole = saved.get(name)!;
      for (let k = 0; k <= 12; k++) {
        const at = Math.floor((whole.length - 1) * (k / 12));
        restore();
        const flipped = Buffer.from(whole);
        flipped[at] ^= 0xff;
        writeFileSync(join(dir, name), flipped);
        expect(ready(repo), `${name}: byte ${at} of ${whole.length} flipped`).toEqual(truth);
      }
    }
  }, 120_000);
});
