/**
 * GitHub fidelity: every file queue writes, rendered by cmark-gfm (GitHub's own renderer), has the
 * tables queue's model has — same count, same rows, same columns, same first-column text — and its
 * mermaid blocks stay fenced code. cmark-gfm runs with the extensions GitHub enables (table,
 * strikethrough, autolink, tagfilter, tasklist). It is a Debian package that .ci/run installs: found
 * on PATH, or named by `CMARK_GFM`. Where it is absent these tests are skipped with a line saying
 * so, except under CI (`CI` set), where they fail and say to install it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readQueue } from '../../src/read/queue.js';
import { applyDecision } from '../../src/edit/apply.js';
import { decide } from '../../src/edit/decide.js';
import { readBlocks } from '../../src/markdown/read.js';
import { renderDecision } from '../../src/reconcile/reconcile.js';
import { basename } from 'node:path';
import { corpusFiles, fixtureFiles, read, withoutCorpus } from '../helpers.js';
import { renderedMarkedQueue } from '../reconcile/marked.js';
import type { FlowStats } from '../../src/history/flow.js';

/** The cmark-gfm binary: `CMARK_GFM` when set (a path or a name on PATH), else `cmark-gfm` on PATH;
 * null when it is not there or does not run. */
function findCmark(): string | null {
  const name = process.env.CMARK_GFM || 'cmark-gfm';
  const candidates = name.includes('/') ? [name] : (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, name));
  const found = candidates.find((p) => existsSync(p));
  return found && spawnSync(found, ['--version']).status === 0 ? found : null;
}

const CMARK = findCmark();
const CI = !!process.env.CI && !/^(?:0|false)$/i.test(process.env.CI);
const MISSING = `cmark-gfm not found (${process.env.CMARK_GFM ? `CMARK_GFM=${process.env.CMARK_GFM}` : 'not on PATH; CMARK_GFM names another binary'})`;
// Under CI a missing renderer fails the tests below (cmark()); elsewhere they are skipped, saying so.
const SKIP = !CMARK && !CI;
if (SKIP) process.stderr.write(`skipped: what queue writes rendered by GitHub's cmark-gfm (${MISSING}; apt-get install cmark-gfm)\n`);

function cmark(markdown: string): string {
  if (!CMARK) throw new Error(`${MISSING}: CI is set, so this check must run; install it (apt-get install cmark-gfm)`);
  return execFileSync(CMARK, ['-e', 'table', '-e', 'strikethrough', '-e', 'autolink', '-e', 'tagfilter', '-e', 'tasklist'], {
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

/**
 * Render every file of `files` with generated blocks added, and claim a ready table story in each:
 * what is written has, on GitHub, the tables queue reads. Returns the files left alone: those with
 * conflict markers, and those whose render was refused.
 */
async function renderAndClaim(files: string[]): Promise<string[]> {
  const leftAlone: string[] = [];
  for (const file of files) {
    const original = read(file);
    // The generated blocks' markers go first, after the byte order mark when there is one.
    const bom = original.startsWith('\uFEFF') ? '\uFEFF' : '';
    const withBlocks = bom + MARKERS + original.slice(bom.length);
    const queue = await readQueue([{ file: 'Q.md', text: withBlocks }]);
    const d = renderDecision(queue, 'queue');
    if (!queue.documents[0].editable) {
      // Conflict markers: render decides nothing for the file.
      expect(d.unchanged, file).toBe(true);
      leftAlone.push(basename(file));
      continue;
    }
    let out: string;
    try {
      out = d.unchanged ? withBlocks : (await applyDecision(queue, d)).content;
    } catch {
      leftAlone.push(basename(file)); // a refusal writes nothing
      continue;
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
  }
  return leftAlone;
}

describe.skipIf(SKIP)('what queue writes reads on GitHub as in queue', () => {
  it('renders (generated blocks, unblocking, marks) and claims over the fixtures; only the one with conflict markers is left alone', async () => {
    expect(await renderAndClaim(fixtureFiles())).toEqual(['conflict.md']);
  }, 60_000);

  it('a title with `|`, a code span, emphasis, HTML and a link renders in the generated blocks as a table cell with its markup intact', async () => {
    const out = await renderedMarkedQueue();
    await expectSameTables(out, 'marked titles');
    const html = cmark(out);
    // cmark-gfm without --unsafe leaves raw HTML out, and says so: the <kbd> is still raw HTML.
    const cell = '<td>Split <code>a | b</code> with <em>emphasis</em>, <!-- raw HTML omitted -->Ctrl<!-- raw HTML omitted --> and <a href="https://example.com">a link</a></td>';
    // The queue's own row, the ready block's and the plan block's.
    expect(html.split(cell).length - 1).toBe(3);
    expect(html).toContain('<td>Claimed <code>c|d</code> (claimed)</td>');
    expect(html).toContain('<td>2*3 is <code>six</code></td>');
  });

  it('the plan and metrics blocks render as a table and a mermaid chart block', async () => {
    const text = [
      '# Queue',
      '',
      '| Status | Story | Description | Depends On |',
      '|---|---|---|---|',
      '| [DONE] | **A** | First | None |',
      '| [ ] | **B** | Second | A |',
      '| [ ] | **C** | Third | A |',
      '',
      '<!-- queue:plan agents=2 -->',
      '<!-- /queue:plan -->',
      '',
      '<!-- queue:metrics -->',
      '<!-- /queue:metrics -->',
      '',
    ].join('\n');
    const none = { count: 0, median: null, p90: null };
    const flow: FlowStats = {
      since: null,
      done: 3,
      throughputByDay: [],
      throughputByWeek: [
        { week: '2026-11-23', done: 1 },
        { week: '2026-11-30', done: 2 },
      ],
      cycleTime: { count: 3, median: 7200, p90: 93600 },
      leadTime: none,
      blockedTime: none,
      reopens: 0,
      reopenRate: 0,
      handoffsPerStory: { mean: 0, max: 0 },
      byAgent: {},
    };
    const queue = await readQueue([{ file: 'WORK_QUEUE.md', text }]);
    const out = (await applyDecision(queue, renderDecision(queue, 'queue', undefined, null, { metrics: flow }))).content;
    const html = cmark(out);
    const chart = /<pre><code class="language-mermaid">([\s\S]*?)<\/code><\/pre>/.exec(html)?.[1] ?? '';
    expect(chart).toContain('xychart-beta');
    expect(chart).toContain('bar [1, 2]');
    expect(chart).toContain('line [1, 3]');
    const tables = htmlTables(html).map((t) => t.header[0]);
    // The queue's own table, the plan's two tracks (B on one, C on the other) and the metrics' times.
    expect(tables).toEqual(['Status', 'Story', 'Story', 'Time']);
    expect(
      htmlTables(html)
        .slice(1, 3)
        .map((t) => t.rows.map((r) => r[0])),
    ).toEqual([['B'], ['C']]);
  });

  // With the whole group skipped (no cmark-gfm), the corpus line would say nothing more.
  it.skipIf(SKIP || withoutCorpus('what queue writes over ../shared/corpus, rendered by cmark-gfm'))(
    'renders (generated blocks, unblocking, marks) and claims over the corpus',
    async () => {
      const files = corpusFiles();
      expect(files.length - (await renderAndClaim(files)).length).toBeGreaterThan(100);
    },
    240_000,
  );
});
