/**
 * GitHub fidelity (issue 5): every file queue writes, rendered by cmark-gfm (GitHub's own renderer),
 * has the tables queue's model has — same count, same rows, same columns, same first-column text —
 * and its mermaid blocks stay fenced code. cmark-gfm is a Debian package that .ci/run installs; it
 * runs with the extensions GitHub enables (table, strikethrough, autolink, tagfilter, tasklist).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { readQueue } from '../../src/read/queue.js';
import { applyDecision } from '../../src/edit/apply.js';
import { decide } from '../../src/edit/decide.js';
import { readBlocks } from '../../src/markdown/read.js';
import { renderDecision } from '../../src/reconcile/reconcile.js';
import { corpusFiles, read } from '../helpers.js';

function cmark(markdown: string): string {
  return execFileSync('cmark-gfm', ['-e', 'table', '-e', 'strikethrough', '-e', 'autolink', '-e', 'tagfilter', '-e', 'tasklist'], {
    input: markdown,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
}

const decode = (s: string) =>
  s
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();

/** Tables of cmark-gfm's HTML: header cell texts and, per body row, its cell texts. */
function htmlTables(html: string): Array<{ header: string[]; rows: string[][] }> {
  return [...html.matchAll(/<table>([\s\S]*?)<\/table>/g)].map((t) => {
    const header = [...(t[1].match(/<thead>([\s\S]*?)<\/thead>/)?.[1] ?? '').matchAll(/<th[^>]*>([\s\S]*?)<\/th>/g)].map((c) => decode(c[1]));
    const body = t[1].match(/<tbody>([\s\S]*?)<\/tbody>/)?.[1] ?? '';
    const rows = [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => decode(c[1])));
    return { header, rows };
  });
}

/** The same comparison for one written file. */
async function expectSameTables(markdown: string, what: string) {
  const model = (await readBlocks(markdown.replace(/^\uFEFF/, ''))).blocks.tables;
  const html = htmlTables(cmark(markdown));
  expect(html.length, `${what}: tables`).toBe(model.length);
  model.forEach((t, i) => {
    const h = html[i];
    expect(h.header.length, `${what}: table ${i + 1} columns`).toBe(t.header.cells.length);
    expect(h.rows.length, `${what}: table ${i + 1} rows`).toBe(t.rows.length);
    t.rows.forEach((r, k) => {
      expect(h.rows[k].length, `${what}: table ${i + 1} row ${k + 1} cells`).toBe(t.header.cells.length);
      expect(h.rows[k][0], `${what}: table ${i + 1} row ${k + 1}`).toBe((r.cells[0]?.text ?? '').trim());
    });
  });
}

const MARKERS = '\n<!-- queue:ready -->\n<!-- /queue:ready -->\n\n<!-- queue:progress -->\n<!-- /queue:progress -->\n\n<!-- queue:graph -->\n<!-- /queue:graph -->\n\n';

describe('what queue writes reads on GitHub as in queue', () => {
  it('renders (generated blocks, unblocking, marks) and claims over the corpus', async () => {
    let written = 0;
    for (const file of corpusFiles()) {
      const original = read(file);
      const withBlocks = MARKERS + original;
      const queue = await readQueue([{ file: 'Q.md', text: withBlocks }]);
      const d = renderDecision(queue, 'queue');
      let out: string;
      try {
        out = d.unchanged ? withBlocks : (await applyDecision(queue, d)).content;
      } catch {
        continue; // a refusal writes nothing
      }
      await expectSameTables(out, file);
      if (queue.stories.length) expect(cmark(out), file).toContain('<pre><code class="language-mermaid">');
      const ready = queue.graph.ready().find((s) => s.occurrences.length === 1 && s.occurrences[0].kind === 'table');
      if (ready) {
        try {
          const claimed = await applyDecision(queue, decide(queue, { op: 'claim', id: ready.id, agent: 'Dev 9', maxClaims: Infinity }));
          await expectSameTables(claimed.content, `${file} claim ${ready.id}`);
        } catch {
          /* refused: nothing written */
        }
      }
      written++;
    }
    expect(written).toBeGreaterThan(100);
  }, 240_000);
});
