/**
 * Bounded cost: every over-limit input is refused with its code (`too_large`, `too_deep`) at the
 * construct's file:line:column, by both readers, never by a crash or a stack trace; what is within
 * the limits reads as before and the two readers still agree on it. How fast the refusals come is
 * measured in bench/limits.mjs, not here.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QueueError } from '../../src/domain/errors.js';
import { MAX_CELL_CHARS, MAX_CELL_LINKS, MAX_DEPTH, MAX_FILE_BYTES, MAX_ROWS } from '../../src/domain/limits.js';
import { LimitError } from '../../src/markdown/limits.js';
import { readBlocks } from '../../src/markdown/read.js';
import { remarkBlocks } from '../../src/markdown/remark.js';
import { readQueue } from '../../src/read/queue.js';
import { tempDir } from '../helpers.js';
import { BIN, git, queue } from '../git/repos.js';

const HEAD = '# Queue\n\n| Status | Story | Description | Depends On |\n|---|---|---|---|\n';
/** A link definition sends the whole document to remark: the same input, read the other way. */
const VIA_REMARK = '\n[ref]: https://example.com\n';

/** `queue ...args` in `cwd` as a real process, with `input` on its stdin (as git gives a hook). */
function withInput(cwd: string, args: string[], input: string): { code: number; stderr: string } {
  const r = spawnSync(BIN, args, { cwd, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stderr: r.stderr };
}

const ROW = '| [ ] | **1-1** | x | None |\n';
/** A queue just over the size limit. */
const OVERSIZED = `${HEAD}${ROW.repeat(Math.ceil(MAX_FILE_BYTES / ROW.length) + 1)}`;

async function refusal(text: string, file = 'WORK_QUEUE.md'): Promise<QueueError> {
  try {
    await readQueue([{ file, text }]);
  } catch (e) {
    if (e instanceof QueueError) return e;
    throw e;
  }
  throw new Error('read without a refusal');
}

/**
 * Both readers refuse `text` with `code`: the scanner, and remark (the same text with a link
 * definition, which sends the whole document to it). Returns the scanner's error.
 */
async function refusedByBoth(text: string, code: 'too_large' | 'too_deep'): Promise<LimitError> {
  const errors: LimitError[] = [];
  for (const t of [text, text + VIA_REMARK]) {
    try {
      await readBlocks(t);
    } catch (e) {
      if (e instanceof LimitError) errors.push(e);
      else throw e;
    }
  }
  expect(errors.map((e) => e.code)).toEqual([code, code]);
  return errors[0];
}

describe('the inputs of the issue are refused with a code, at the construct', () => {
  it('a 20 KB compactly nested list, 10,000 deep', async () => {
    const text = `# Q\n\n${'- '.repeat(10_000)}[ ] x\n`;
    const e = await refusal(text);
    expect(e.code).toBe('too_deep');
    // The 65th marker: 64 markers of two columns before it.
    expect(e.details).toMatchObject({ file: 'WORK_QUEUE.md', line: 3, column: 2 * MAX_DEPTH + 1, limit: MAX_DEPTH });
    expect(e.message).toBe(`WORK_QUEUE.md:3:${2 * MAX_DEPTH + 1}: lists, block quotes and footnotes nested more than 64 deep`);
    await refusedByBoth(text, 'too_deep');
  });

  it('10,000 nested quotes', async () => {
    const text = `${'>'.repeat(10_000)} x\n`;
    expect((await refusal(text)).details).toMatchObject({ line: 1, column: MAX_DEPTH + 1 });
    await refusedByBoth(text, 'too_deep');
  });

  it('footnote definitions nested on one line, or each indented under the one before (remark-gfm takes seconds per level there)', async () => {
    const inline = `${HEAD}| [ ] | **1-1** | a | None |\n\n${Array.from({ length: 200 }, (_, i) => `[^${i}]: `).join('')}x\n`;
    const e = await refusal(inline);
    expect(e.code).toBe('too_deep');
    // The 65th definition, after 64 of `[^n]: `.
    expect(e.details).toMatchObject({ line: 7, limit: MAX_DEPTH });
    await refusedByBoth(inline, 'too_deep');
    const indented = `${HEAD}| [ ] | **1-1** | a | None |\n\n${Array.from({ length: 300 }, (_, i) => `${'\t'.repeat(i)}[^${i}]: a`).join('\n')}\n`;
    expect((await refusal(indented)).code).toBe('too_deep');
    // A few footnotes, as people write them, read.
    const few = `${HEAD}| [ ] | **1-1** | a[^1] | None |\n\n[^1]: a note\n    [^2]: inside it\n`;
    expect((await readQueue([{ file: 'WORK_QUEUE.md', text: few }])).stories.map((s) => s.id)).toEqual(['1-1']);
  });

  it('a 300 KB cell of 50,000 links', async () => {
    const text = `${HEAD}| [ ] | **1-1** | ${'[a](b) '.repeat(50_000)}| None |\n`;
    const e = await refusal(text);
    expect(e.code).toBe('too_large');
    expect(e.details).toMatchObject({ line: 5, column: 19, limit: MAX_CELL_CHARS });
    await refusedByBoth(text, 'too_large');
  });

  it('a file over the size limit, before it is parsed', async () => {
    const e = await refusal(OVERSIZED);
    expect(e.code).toBe('too_large');
    expect(e.details).toMatchObject({ line: 1, column: 1, limit: MAX_FILE_BYTES });
    // Bytes, not characters: four-byte characters reach the limit at a quarter of the length.
    const wide = await refusal(`${HEAD}| [ ] | **1-1** | ${'😀'.repeat(MAX_FILE_BYTES / 4 + 1)} | None |\n`);
    expect(wide.code).toBe('too_large');
  });
});

describe('the count of rows, items and headings', () => {
  it('a file of more short rows than MAX_ROWS, under the size limit, is refused at the first row over it; task items and headings count too', async () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `|[ ]|**S-${i}**|t|None|`).join('\n');
    // One header row, then MAX_ROWS rows: the last is one too many, at line 3 + MAX_ROWS - 1 of the file.
    const e = await refusal(`| Status | Story | Description | Depends On |\n|---|---|---|---|\n${rows(MAX_ROWS)}\n`);
    expect([e.code, e.details]).toEqual(['too_large', { file: 'WORK_QUEUE.md', line: MAX_ROWS + 2, column: 1, limit: MAX_ROWS }]);
    expect(e.message).toContain(`more than ${MAX_ROWS} table rows, task items and headings`);
    const items = Array.from({ length: MAX_ROWS + 1 }, (_, i) => `- [ ] T-${i} x`).join('\n');
    expect((await refusal(`# Q\n\n${items}\n`)).details).toMatchObject({ line: MAX_ROWS + 2, limit: MAX_ROWS });
    const headings = Array.from({ length: MAX_ROWS + 1 }, (_, i) => `## S-${i} x`).join('\n');
    expect((await refusal(`${headings}\n`)).details).toMatchObject({ line: MAX_ROWS + 1, limit: MAX_ROWS });
  }, 60_000);
});

describe('each limit, and the input just within it', () => {
  it('lists nested by indentation: 64 levels read (and both readers agree), 65 are refused', async () => {
    const nest = (n: number) => Array.from({ length: n }, (_, i) => `${'  '.repeat(i)}- [ ] T-${i} task`).join('\n');
    const ok = `${nest(MAX_DEPTH)}\n`;
    const read = await readBlocks(ok);
    expect(read.blocks.tasks).toHaveLength(MAX_DEPTH);
    expect(read.blocks).toEqual(remarkBlocks(ok));
    const e = await refusal(`${nest(MAX_DEPTH + 1)}\n`);
    expect(e.details).toMatchObject({ line: MAX_DEPTH + 1, column: 2 * MAX_DEPTH + 1 });
  });

  it('a cell of 64 KiB reads, one character more is refused; so is a cell of more than 1,000 links', async () => {
    const row = (cell: string) => `${HEAD}| [ ] | **1-1** | ${cell} | None |\n`;
    const longest = 'x'.repeat(MAX_CELL_CHARS);
    expect((await readQueue([{ file: 'Q.md', text: row(longest) }])).stories[0].title).toBe(longest);
    await refusedByBoth(row(`${longest}x`), 'too_large');
    const links = (n: number) => row('[a](b) '.repeat(n).trim());
    expect((await readQueue([{ file: 'Q.md', text: links(MAX_CELL_LINKS) }])).stories).toHaveLength(1);
    const e = await refusedByBoth(links(MAX_CELL_LINKS + 1), 'too_large');
    expect(e.message).toContain('more than 1000 links');
  });

  it('emphasis and links nested 64 deep read; deeper is refused before remark sees it', async () => {
    const nested = (n: number) => `${'*a '.repeat(n)}x${' a*'.repeat(n)}\n${VIA_REMARK}`;
    expect((await readBlocks(nested(MAX_DEPTH))).path).toBe('remark');
    for (const text of [
      nested(MAX_DEPTH + 1),
      `${'['.repeat(100)}x${']'.repeat(100)}\n${VIA_REMARK}`,
      `${'!['.repeat(3000)}x${'](b)'.repeat(3000)}\n${VIA_REMARK}`,
      `${'~a '.repeat(100)}x${' a~'.repeat(100)}\n${VIA_REMARK}`,
    ]) {
      const e = await refusal(text);
      expect(e.code).toBe('too_deep');
      expect(e.message).toMatch(/^WORK_QUEUE\.md:1:\d+: emphasis and links nested more than 64 deep$/);
    }
    // In a cell the scanner cannot read itself, which goes to remark's inline batch.
    const cell = await refusal(`${HEAD}| [ ] | **1-1** | ${'*a '.repeat(100)}x${' a*'.repeat(100)} | None |\n`);
    expect(cell.details).toMatchObject({ line: 5, column: 19 });
    expect(cell.code).toBe('too_deep');
  });

  it('the parse budget: a paragraph remark would spend minutes on is refused, one within it reads', async () => {
    // Marks whose count squared is what remark's inline parser spends.
    const e = await refusal(`# Q\n\n${'*_[a'.repeat(16_384)}\n${VIA_REMARK}`);
    expect(e.code).toBe('too_large');
    expect(e.message).toMatch(/^WORK_QUEUE\.md:3:1: too costly to read: a link or footnote definition needs the full Markdown parser/);
    // The same marks as table rows, each read on its own, are cheap.
    const rows = Array.from({ length: 2000 }, (_, i) => `| [ ] | **S-${i}** | the *${i}th* [story](s/${i}.md) | None |`).join('\n');
    expect((await readQueue([{ file: 'Q.md', text: `${HEAD}${rows}\n${VIA_REMARK}` }])).stories).toHaveLength(2000);
    // In the scanner's inline batch too: a cell of marks remark would take long over.
    const batch = await refusal(`${HEAD}| [ ] | **1-1** | ${'*_a'.repeat(20_000)} | None |\n`);
    expect(batch.code).toBe('too_large');
  });
});

describe('no crash and no stack trace, from the CLI to the server hook', () => {
  const deep = `${HEAD}| [ ] | **1-1** | x | None |\n\n${'- '.repeat(10_000)}[ ] x\n`;

  it('queue ready names the file, line and column; --json gives the code', async () => {
    const dir = tempDir('queue-limits-');
    writeFileSync(join(dir, 'WORK_QUEUE.md'), deep);
    const human = await queue(dir, ['ready']);
    expect(human.code).toBe(1);
    expect(human.stderr).toBe(`queue: WORK_QUEUE.md:7:${2 * MAX_DEPTH + 1}: lists, block quotes and footnotes nested more than 64 deep [too_deep]\n`);
    const json = await queue(dir, ['list', '--json']);
    expect(json.json.error).toMatchObject({ code: 'too_deep', file: 'WORK_QUEUE.md', line: 7, limit: MAX_DEPTH });
  });

  it('a status board nested too deep is refused the same way', async () => {
    const dir = tempDir('queue-limits-');
    writeFileSync(join(dir, 'WORK_QUEUE.md'), `${HEAD}| [ ] | **1-1** | x | None |\n`);
    mkdirSync(join(dir, 'deployment', 'status'), { recursive: true });
    writeFileSync(join(dir, 'deployment', 'status', 'current-status.md'), `## Dev 1 Status\n\n${'> '.repeat(5000)}x\n`);
    const r = await queue(dir, ['show', '1-1', '--json']);
    expect(r.json.error).toMatchObject({ code: 'too_deep', file: 'deployment/status/current-status.md', line: 3 });
  });

  it('a handoff file over the size limit is refused before it is read', async () => {
    const dir = tempDir('queue-limits-');
    writeFileSync(join(dir, 'WORK_QUEUE.md'), `${HEAD}| [ ] | **1-1** | x | None |\n`);
    mkdirSync(join(dir, 'deployment', 'handoffs'), { recursive: true });
    writeFileSync(join(dir, 'deployment', 'handoffs', '2026-01-01-a-b-1-1.md'), 'x'.repeat(MAX_FILE_BYTES + 1));
    const r = await queue(dir, ['show', '1-1', '--json']);
    expect(r.json.error).toMatchObject({ code: 'too_large', file: 'deployment/handoffs/2026-01-01-a-b-1-1.md', limit: MAX_FILE_BYTES });
    writeFileSync(join(dir, 'deployment', 'handoffs', '2026-01-01-a-b-1-1.md'), '---\nfrom_agent: a\nto_agent: b\n---\n1-1\n');
    expect((await queue(dir, ['show', '1-1', '--json'])).json.story.handoffs).toHaveLength(1);
  });

  it('the pre-receive hook refuses an over-limit push with one line and no stack trace', () => {
    const dir = tempDir('queue-limits-');
    const bare = join(dir, 'remote.git');
    git(dir, 'init', '-q', '--bare', '-b', 'main', bare);
    const blob = (text: string) => execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: bare, input: text, encoding: 'utf8' }).trim();
    const commit = (text: string) => {
      const tree = execFileSync('git', ['mktree'], { cwd: bare, input: `100644 blob ${blob(text)}\tWORK_QUEUE.md\n`, encoding: 'utf8' }).trim();
      return execFileSync('git', ['-c', 'user.name=a', '-c', 'user.email=a@b', 'commit-tree', tree, '-m', 'push'], { cwd: bare, encoding: 'utf8' }).trim();
    };
    const zero = '0'.repeat(40);
    for (const [text, code] of [
      [deep, /WORK_QUEUE\.md:7:129: lists, block quotes and footnotes nested more than 64 deep/],
      [OVERSIZED, /WORK_QUEUE\.md:1:1: \d+ bytes is over the limit/],
    ] as const) {
      const sha = commit(text);
      const r = withInput(bare, ['hooks', 'run', 'pre-receive'], `${zero} ${sha} refs/heads/main\n`);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(code);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
    }
    // Within the limits, the same hook lets the push through.
    const ok = commit(`${HEAD}| [ ] | **1-1** | x | None |\n`);
    expect(withInput(bare, ['hooks', 'run', 'pre-receive'], `${zero} ${ok} refs/heads/main\n`).code).toBe(0);
  });
});
