import { describe, expect, it } from 'vitest';
import { readQueue } from '../../src/read/queue.js';
import { parseMarkdown } from '../../src/markdown/remark.js';
import { readStatusBoard } from '../../src/workspace/status-file.js';
import { readHandoff } from '../../src/workspace/handoff.js';
import { mentionedIds } from '../../src/workspace/mentions.js';
import { read, REAL, withoutCorpus } from '../helpers.js';
import { join } from 'node:path';

const q = (text: string) => readQueue([{ file: 'Q.md', text }]);
const head = '| Status | Story | Description | Depends On |\n|---|---|---|---|\n';

describe('bad input never escapes as an exception', () => {
  it('CRLF, BOM and no final newline read the same stories as LF', async () => {
    const lf = `${head}| [ ] | **A** | a | None |\n| [DONE] | **B** | b | A |`;
    const variants = [lf, lf.replace(/\n/g, '\r\n'), `\uFEFF${lf}\n`];
    for (const v of variants) {
      const r = await q(v);
      expect(r.stories.map((s) => [s.id, s.status.category, s.line])).toEqual([
        ['A', 'todo', 3],
        ['B', 'done', 4],
      ]);
    }
  });

  it('conflict markers are errors with their line, and the file is marked not editable', async () => {
    const r = await q(`${head}<<<<<<< HEAD\n| [IN PROGRESS: Dev 1] | **A** | a | None |\n=======\n| [IN PROGRESS: Dev 2] | **A** | a | None |\n>>>>>>> other\n`);
    const markers = r.diagnostics.filter((d) => d.code === 'conflict');
    expect(markers.map((d) => d.line)).toEqual([3, 5, 7]);
    expect(r.documents[0].editable).toBe(false);
  });

  it('uneven rows and `|` inside code spans are diagnosed, the row is still a story', async () => {
    const r = await q(`${head}| [ ] | **A** | uses \`a|b\` here | None |\n| [ ] | **B** | short |\n`);
    expect(r.stories.map((s) => s.id)).toEqual(['A', 'B']);
    const uneven = r.diagnostics.filter((d) => d.code === 'uneven_row');
    expect(uneven.map((d) => d.line)).toEqual([3, 4]);
    expect(uneven[0].message).toContain('\\|');
  });

  it('a link definition that turns [DONE] into a link reference still reads as done', async () => {
    const r = await q(`${head}| [DONE] | **A** | a | None |\n| [ ] | **B** | b | A |\n\n[done]: https://example.com\n`);
    expect(r.stories.map((s) => s.status.category)).toEqual(['done', 'todo']);
    expect(r.graph.ready().map((s) => s.id)).toEqual(['B']);
  });

  it('unknown and empty statuses are warnings at the status cell, the row is kept', async () => {
    const r = await q(`${head}| someday | **A** | a | None |\n|  | **B** | b | None |\n`);
    expect(r.stories.map((s) => [s.id, s.status.category])).toEqual([
      ['A', 'unknown'],
      ['B', 'unknown'],
    ]);
    expect(r.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ['unknown_status', 3, 3],
      ['empty_status', 4, 3],
    ]);
  });

  it('an id cell that says "none" (`—`, `n/a`) gives a derived id, not one shared by every such row', async () => {
    // xander1421/kingfisher: `| — | **evidence for H8 …** | OPEN |` rows under a table of H ids.
    const r = await q(
      '## Harness\n\n| id | item | status |\n|---|---|---|\n| H1 | Gate | DONE |\n| — | **evidence for H8** | OPEN |\n| — | **evidence for H19** | DONE |\n| n/a | Other | OPEN |\n',
    );
    expect(r.stories.map((s) => [s.id, s.derivedId, s.status.category])).toEqual([
      ['H1', false, 'done'],
      ['harness/evidence-for-h8', true, 'todo'],
      ['harness/evidence-for-h19', true, 'done'],
      ['harness/other', true, 'todo'],
    ]);
    expect(r.diagnostics).toEqual([]);
  });

  it('prose and legends that mention [ ] or [DONE] are not stories', async () => {
    const r = await q(
      '## Claiming Rules\n\n1. **Only claim [ ] stories** (not [BLOCKED] or [DONE])\n\n| Status | Meaning |\n|---|---|\n| [ ] | not started |\n| [DONE] | finished |\n',
    );
    expect(r.stories).toEqual([]);
  });

  it.skipIf(withoutCorpus('reading the 400 KB xander1421 queue (../shared/corpus)'))('reads a 400 KB real queue', async () => {
    const text = read(join(REAL, 'xander1421__kingfisher__WORK_QUEUE.md'));
    expect(text.length).toBeGreaterThan(400_000);
    const r = await q(text);
    expect(r.stories.length).toBeGreaterThan(100);
  });
});

describe('task lists', () => {
  it('items are stories, plain nested boxes their checklist, ids come from the text or are derived', async () => {
    const md = '# Plan\n\n## Phase 1\n\n- [x] **T-1**: set up repo\n- [ ] T-2: write parser (depends on: T-1)\n  - [ ] sub step one\n  - [x] sub step two\n1. [ ] numbered item\n';
    const r = await q(md);
    expect(r.stories.map((s) => [s.id, s.status.category, s.parent])).toEqual([
      ['T-1', 'done', null],
      ['T-2', 'todo', null],
      ['phase-1/numbered-item', 'todo', null],
    ]);
    expect(r.graph.byId.get('T-2')!.checklist).toEqual([
      { text: 'sub step one', done: false },
      { text: 'sub step two', done: true },
    ]);
    expect(r.graph.byId.get('T-2')!.deps.map((d) => d.id)).toEqual(['T-1']);
    expect(r.graph.byId.get('T-2')!.title).toBe('write parser');
    expect(r.graph.ready().map((s) => s.id)).toContain('T-2');
  });

  it('a dependency clause is read with a note after it, in full-width parentheses, and in the languages a heading block names them in', async () => {
    const items = [
      ['T-2: A (depends on: T-1).', 'A.'],
      ['T-3: A (depends on: T-1) — see notes', 'A — see notes'],
      ['T-4: A (depends on: T-1) 🚀', 'A 🚀'],
      ['T-5: A （依赖：T-1）', 'A'],
      ['T-6: A (Abhängigkeiten: T-1)', 'A'],
      ['T-7: A (dependências: T-1)', 'A'],
      ['T-8: A (의존: T-1)', 'A'],
      ['T-9: A (依賴: T-1)', 'A'],
      ['T-10: A (after T-1)', 'A'],
    ];
    const r = await q(`- [ ] T-1: Base\n${items.map(([t]) => `- [ ] ${t}\n`).join('')}- [ ] T-11: Fix (after the rollout) cache\n`);
    for (const [t, title] of items) {
      const s = r.graph.byId.get(t.split(':')[0])!;
      expect([s.title, s.deps.map((d) => d.id)], t).toEqual([title, ['T-1']]);
    }
    // A clause whose word is not a dependency label outright, with text after it, is the title's.
    expect(r.graph.byId.get('T-11')!.deps).toEqual([]);
    expect(r.graph.ready().map((s) => s.id)).toEqual(['T-1', 'T-11']);
    // Parentheses inside the list are the list's; a label followed by prose, not a colon, is prose.
    const prose = await q(
      [
        '- [x] T-1: Base',
        '- [ ] T-2: Nested (depends on: T-1 (core)) end',
        '- [ ] T-3: Atualizar (dependências externas)',
        '- [ ] T-4: 更新 (依賴套件更新)',
        '- [ ] T-5: Update (dependencies updated) now',
        '- [ ] T-6: Plan (Abhängigkeiten klären) bald',
        '- [ ] T-7: Schedule (depends on the API design) later',
        '- [ ] T-8: Ship (dependencies updated)',
        '',
      ].join('\n'),
    );
    expect(prose.stories.map((s) => [s.id, s.title, s.deps.map((d) => d.ref)])).toEqual([
      ['T-1', 'Base', []],
      ['T-2', 'Nested end', ['T-1']],
      ['T-3', 'Atualizar (dependências externas)', []],
      ['T-4', '更新 (依賴套件更新)', []],
      ['T-5', 'Update (dependencies updated) now', []],
      ['T-6', 'Plan (Abhängigkeiten klären) bald', []],
      ['T-7', 'Schedule (depends on the API design) later', []],
      ['T-8', 'Ship (dependencies updated)', []],
    ]);
    expect(prose.diagnostics).toEqual([]);
  });

  it('a hold tag in a task item ([ON HOLD], [PAUSED: vendor]) holds it', async () => {
    const r = await q('- [ ] T-1: A [ON HOLD]\n- [ ] T-2: B [PAUSED: vendor]\n- [ ] T-3: C\n');
    expect(r.stories.map((s) => [s.id, s.title, s.status.category, s.status.reason])).toEqual([
      ['T-1', 'A', 'blocked', null],
      ['T-2', 'B', 'blocked', 'vendor'],
      ['T-3', 'C', 'todo', null],
    ]);
    expect(r.graph.ready().map((s) => s.id)).toEqual(['T-3']);
  });

  it('derived id collisions are diagnostics, and both items are kept', async () => {
    const r = await q('## A\n\n- [ ] same\n- [ ] same\n');
    expect(r.stories.map((s) => s.id)).toEqual(['a/same', 'a/same-2']);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['id_collision']);
  });
});

describe('workspace files', () => {
  it('reads seed 002 status sections as agents', () => {
    const md =
      '# Status\n\n## Infrastructure Agent Status\n**Last Updated**: 2025-08-10 14:00\n**Current Task**: PostgreSQL deployment (INFRA-001)\n**Progress**: 60%\n**Blockers**: None\n**Next Update**: 2025-08-10 18:00\n\n## Backend Agent Status\n**Last Updated**: 2025-08-10 14:30\n**Current Task**: Waiting for database\n**Progress**: 0%\n**Blockers**: Database not ready\n**Next Update**: When unblocked\n';
    const { agents } = readStatusBoard(parseMarkdown(md), 'deployment/status/current-status.md');
    expect(agents.map((a) => [a.name, a.progress, a.blockers, a.line])).toEqual([
      ['Infrastructure Agent', 60, 'None', 3],
      ['Backend Agent', 0, 'Database not ready', 10],
    ]);
    expect(agents[0].currentTask).toBe('PostgreSQL deployment (INFRA-001)');
    expect(mentionedIds(agents[0].currentTask!, ['INFRA-001', 'INFRA-00', 'API-001'])).toEqual(['INFRA-001']);
  });

  it('finds an id mentioned as a word of its own, and only then', () => {
    const ids = ['8-2', '8-20', 'INFRA-00', 'X_1', 'Q-5'];
    expect(mentionedIds('see 8-2-1 and 8-20', ids)).toEqual(['8-20']);
    expect(mentionedIds('(8-2), INFRA-001 then INFRA-00.', ids)).toEqual(['8-2', 'INFRA-00']);
    // A later occurrence counts when an earlier one was part of a longer word.
    expect(mentionedIds('aQ-5 bQ-5 Q-5x, finally Q-5', ids)).toEqual(['Q-5']);
    // Letters beyond the BMP are letters: 𝐀Q-5 is one word; an emoji is not a letter.
    expect(mentionedIds('𝐀Q-5', ids)).toEqual([]);
    expect(mentionedIds('✅Q-5 🚀', ids)).toEqual(['Q-5']);
    expect(mentionedIds('X_1 X_12 _X_1', ['X_1'])).toEqual(['X_1']);
    expect(mentionedIds('-Q-5 Q-5-2', ids)).toEqual([]);
    expect(mentionedIds('Q-5-rc', ids)).toEqual(['Q-5']);
  });

  it('says when a file holds no story it can read, pointing at a status in another dialect', async () => {
    // A heading with no id is not a story (dialect/headings.ts), but its status line is pointed at.
    const blocks = await readQueue([{ file: 'Q.md', text: '# Queue\n\n## Bugs\n\n### The crash on start\n**Status:** RESOLVED\n' }]);
    expect(blocks.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', code: 'no_stories', line: 6, column: 1 })]);
    expect((await readQueue([{ file: 'Q.md', text: '### BUG-1: crash\n**Status:** RESOLVED\n' }])).stories.map((s) => [s.id, s.status.category])).toEqual([['BUG-1', 'done']]);
    expect(blocks.diagnostics[0].message).toContain('"**Status:** RESOLVED"');
    // Front matter describes the document: its `status:` key is not cited, the first one after it is.
    const fm = await readQueue([{ file: 'Q.md', text: '---\nstatus: living\n---\n# Plan\n\n- status: TODO\n' }]);
    expect(fm.diagnostics).toEqual([expect.objectContaining({ code: 'no_stories', line: 6 })]);
    // Bullets led by a status emoji are not stories (mostly reports and rules), but are pointed at.
    const emoji = await readQueue([{ file: 'Q.md', text: '# Plan\n\n- Prose bullet\n- 🔲 **Rotate the password** — manual\n' }]);
    expect(emoji.diagnostics).toEqual([expect.objectContaining({ code: 'no_stories', line: 4 })]);
    expect(emoji.diagnostics[0].message).toContain('status emoji');
    const prose = await readQueue([{ file: 'Q.md', text: '# Queue\n\nNothing yet.\n' }]);
    expect(prose.diagnostics).toEqual([expect.objectContaining({ code: 'no_stories', line: 1 })]);
    // An empty file says so; a file with stories gets no such warning.
    expect((await readQueue([{ file: 'Q.md', text: '' }])).diagnostics).toEqual([
      expect.objectContaining({ code: 'no_stories', line: 1, message: expect.stringContaining('empty') }),
    ]);
    expect((await readQueue([{ file: 'Q.md', text: '- [ ] one\n' }])).diagnostics.filter((d) => d.code === 'no_stories')).toEqual([]);
  });

  it('reads seed 002 handoff fields from front matter, keeping unknown keys', () => {
    const md =
      '---\nfrom_agent: Dev 1\nto_agent: Dev 2\ntimestamp: "2025-08-10T14:00:00Z"\ntask_completed:\n  - 5-3 batch progress\nnext_steps: [claim 5-4]\ncustom_key: kept\n---\n\n# Handoff\n';
    const { handoff, diagnostics } = readHandoff(md, 'h.md');
    expect(diagnostics).toEqual([]);
    expect([handoff.fromAgent, handoff.toAgent, handoff.timestamp]).toEqual(['Dev 1', 'Dev 2', '2025-08-10T14:00:00Z']);
    expect(handoff.taskCompleted).toEqual(['5-3 batch progress']);
    expect(handoff.nextSteps).toEqual(['claim 5-4']);
    expect(handoff.data.custom_key).toBe('kept');
  });

  it('broken handoff YAML is a diagnostic, not a throw', () => {
    const { diagnostics } = readHandoff('---\nfrom_agent: [unclosed\n---\n', 'h.md');
    expect(diagnostics.map((d) => d.code)).toEqual(['handoff_yaml']);
  });
});
