import { describe, expect, it } from 'vitest';
import { basename, join } from 'node:path';
import { readQueue } from '../src/read/queue.js';
import { readBlocks } from '../src/markdown/read.js';
import { stripBom } from '../src/markdown/text.js';
import { assignRoles } from '../src/dialect/columns.js';
import { corpusFiles, fixtureFiles, read, RGRID, withoutCorpus } from './helpers.js';

/** Read every file of `files`, checking that each row of a story table is a story or a diagnostic and
 * that every diagnostic has a place and a severity. Returns how many rows it checked. */
async function rowsAreStoriesOrDiagnostics(files: string[]): Promise<number> {
  let rows = 0;
  for (const file of files) {
    const text = read(file);
    const r = await readQueue([{ file: basename(file), text }]);
    const lines = new Set(r.stories.flatMap((s) => s.occurrences.map((o) => o.line)));
    const diagLines = new Set(r.diagnostics.map((d) => d.line));
    const { blocks } = await readBlocks(stripBom(text).text);
    for (const t of blocks.tables) {
      const roles = assignRoles(t.header.cells.map((c) => c.text));
      if (!roles.includes('status') || !(roles.includes('id') || roles.includes('title'))) continue;
      for (const row of t.rows) {
        if (row.cells.every((c) => c.text.trim() === '')) continue;
        rows++;
        expect(lines.has(row.line) || diagLines.has(row.line), `${basename(file)}:${row.line}`).toBe(true);
      }
    }
    for (const d of r.diagnostics) {
      expect(d.line, `${basename(file)} ${d.code}`).toBeGreaterThan(0);
      expect(d.column).toBeGreaterThan(0);
      expect(['error', 'warning', 'info']).toContain(d.severity);
    }
  }
  return rows;
}

describe('every queue fixture', () => {
  it('reads without throwing, and every row of a story table is a story or a diagnostic', async () => {
    expect(await rowsAreStoriesOrDiagnostics(fixtureFiles())).toBeGreaterThan(30);
  });
});

describe.skipIf(withoutCorpus('every real queue in ../shared/corpus reads, each row a story or a diagnostic'))('every real queue in ../shared/corpus', () => {
  it('reads without throwing, and every row of a story table is a story or a diagnostic', async () => {
    expect(await rowsAreStoriesOrDiagnostics(corpusFiles())).toBeGreaterThan(900);
  });
});

/**
 * `ready` per rgrid version, written by reading each file against its own "Claiming Rules":
 * only `[ ]` stories whose Depends On are all [DONE]/✅ (a `[BLOCKED]` with no dependency is a hold).
 */
const EXPECTED_READY: Record<string, string[]> = {
  '01-0889c72.md': ['2-4', '6-1'],
  '09-8f0c932.md': ['8-3'],
  '13-5eae724.md': ['10-4', '10-6', '8-4', '8-5', '9-2', '9-3', '9-4'],
  '24-5591b3c.md': [],
  '27-64506a2.md': [],
  '36-f1901d2.md': ['6-4', '9-5'],
  '48-97ff9ea.md': ['STAGE-10', 'STAGE-3', 'STAGE-4', 'STAGE-5', 'STAGE-6', 'STAGE-7', 'STAGE-8', 'STAGE-9'],
};

describe.skipIf(withoutCorpus('ready and holders per rgrid version (../shared/corpus/history/rgrid)'))('rgrid history', () => {
  for (const [name, ids] of Object.entries(EXPECTED_READY)) {
    it(`ready on ${name} is what the file's own rules give`, async () => {
      const r = await readQueue([{ file: name, text: read(join(RGRID, name)) }]);
      expect(
        r.graph
          .ready()
          .map((s) => s.id)
          .sort(),
      ).toEqual(ids);
    });
  }

  it('in 01, 5-4 and 5-5 are held by Dev 2 and Dev 3, and 6-2 waits on 6-1', async () => {
    const r = await readQueue([{ file: '01', text: read(join(RGRID, '01-0889c72.md')) }]);
    expect(r.graph.byId.get('5-4')!.claimant).toBe('Dev 2');
    expect(r.graph.byId.get('5-5')!.claimant).toBe('Dev 3');
    expect(r.graph.blocked().map((b) => [b.story.id, b.waitingOn])).toEqual([['6-2', ['6-1']]]);
    expect(r.graph.byId.get('6-1')!.storyFile).toBe('docs/sprint-artifacts/stories/6-1-implement-script-content-hashing-and-cache-lookup.md');
  });
});
