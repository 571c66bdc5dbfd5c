/**
 * The queue fixtures (test/fixtures, described in its README), pinned down: the stories each one
 * holds, their statuses, holders and dependencies, the ready set, and the diagnostics. The tests that
 * run over every fixture (differential, render, edits, claims, the CLI) rely on what is said here.
 */
import { describe, expect, it } from 'vitest';
import { basename } from 'node:path';
import { readQueue, type Queue } from '../src/read/queue.js';
import { applyDecision } from '../src/edit/apply.js';
import { decide, type Operation } from '../src/edit/decide.js';
import { decideAdd } from '../src/edit/structure.js';
import { rankReady, readyNotOffered } from '../src/model/rank.js';
import type { Story } from '../src/domain/types.js';
import { fixture, fixtureFiles, read } from './helpers.js';

const open = (name: string) => readQueue([{ file: name, text: read(fixture(name)) }]);

/** A story in one line: `id category (claimant) ← deps`, deps as written, `✓` for a done mark. */
function line(s: Story): string {
  const deps = s.deps.map((d) => `${d.ref}${d.markedDone ? '✓' : ''}`).join(' ');
  return `${s.id} ${s.status.category}${s.claimant ? ` (${s.claimant})` : ''}${deps ? ` ← ${deps}` : ''}`;
}

const stories = (q: Queue) => q.stories.map(line);
const ready = (q: Queue) => q.graph.ready().map((s) => s.id);
/** Diagnostics as `line code`, info left out. */
const diagnostics = (q: Queue) => q.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.line} ${d.code}`);
const kinds = (q: Queue, id: string) => q.graph.byId.get(id)!.occurrences.map((o) => o.kind);

async function apply(name: string, text: string, ops: Operation[]): Promise<string> {
  for (const op of ops) {
    const q = await readQueue([{ file: name, text }]);
    text = (await applyDecision(q, decide(q, op))).content;
  }
  return text;
}

describe('the fixtures', () => {
  it('are the files this test pins down, each a queue with stories', async () => {
    expect(fixtureFiles().map((f) => basename(f))).toEqual([
      'bom.md',
      'combined.md',
      'completed-log.md',
      'conflict.md',
      'content-columns.md',
      'crlf.md',
      'headings.md',
      'hierarchy.md',
      'languages.md',
      'listings.md',
      'priorities.md',
      'sections.md',
      'tables.md',
      'tasks.md',
      'vocabulary.md',
    ]);
    for (const f of fixtureFiles()) expect((await open(basename(f))).stories.length, f).toBeGreaterThan(3);
  });
});

describe('tables.md: tier tables with bracket statuses, and a table of word statuses', () => {
  it('reads every row as a story, with its status, holder and dependencies; the legend table is no story', async () => {
    const q = await open('tables.md');
    expect(stories(q)).toEqual([
      'HB-1 done',
      'HB-2 done ← HB-1✓',
      'HB-3 done ← HB-1✓',
      'HB-4 in_progress (Dev 2) ← HB-2✓ HB-3✓',
      'HB-5 todo ← HB-3✓',
      'HB-6 blocked ← HB-4',
      'HB-7 blocked ← HB-4 HB-5',
      'HB-8 todo ← HB-4 HB-6',
      'HB-9 review (Dev 1) ← HB-3',
      'HB-10 todo ← HB-9',
      'HB-11 done ← HB-2',
      'HB-12 cancelled',
    ]);
    expect(q.graph.byId.get('HB-7')!.status.reason).toBe("waiting on the payment provider's sandbox keys");
    expect(q.graph.byId.get('HB-4')!.storyFile).toBe('stories/HB-4-invoices.md');
    expect(q.graph.byId.get('HB-8')!.storyFile).toBeNull();
    expect(q.graph.byId.get('HB-11')!.status.raw).toBe('DONE — 4f2a9c1');
    expect(q.graph.byId.get('HB-10')!.sectionPath).toEqual(['Work Queue: Harbor (billing service)', 'Tier 3 - Reporting']);
    expect(diagnostics(q)).toEqual([]);
  });

  it('HB-5 alone is ready: HB-6 waits on work in progress, HB-7 is held, HB-8 and HB-10 wait', async () => {
    const q = await open('tables.md');
    expect(ready(q)).toEqual(['HB-5']);
    expect(q.graph.blocked().map((b) => `${b.story.id} ← ${b.waitingOn.join(' ')}`)).toEqual(['HB-6 ← HB-4', 'HB-7 ← HB-4 HB-5', 'HB-8 ← HB-4 HB-6', 'HB-10 ← HB-9']);
  });
});

describe("completed-log.md: rgrid's Completed log beside the tier tables", () => {
  it('reads log rows as occurrences of the stories, and a story only in the log as done', async () => {
    const q = await open('completed-log.md');
    expect(stories(q)).toEqual([
      'OPS-1 done',
      'OPS-2 done',
      'OPS-3 done ← OPS-2✓',
      'OPS-4 in_progress (Dev 1) ← OPS-3✓',
      'OPS-5 todo ← OPS-3✓',
      'OPS-6 blocked ← OPS-4',
      'OPS-7 blocked ← OPS-4 OPS-5',
    ]);
    expect([kinds(q, 'OPS-1'), kinds(q, 'OPS-2'), kinds(q, 'OPS-5')]).toEqual([['log'], ['table', 'log'], ['table']]);
    expect(ready(q)).toEqual(['OPS-5']);
    expect(diagnostics(q).filter((d) => !d.endsWith('missing_story_file'))).toEqual([]);
  });

  it('done appends the story to the log with its agent', async () => {
    const text = read(fixture('completed-log.md'));
    const done = await apply('completed-log.md', text, [
      { op: 'claim', id: 'OPS-5', agent: 'Dev 2', maxClaims: 1 },
      { op: 'done', id: 'OPS-5', agent: 'Dev 2' },
    ]);
    expect(done).toContain('| [DONE] **OPS-3** | Structured logging | Dev 3 | 2 |\n| [DONE] **OPS-5** | Trace propagation | Dev 2 |');
    expect(kinds(await readQueue([{ file: 'completed-log.md', text: done }]), 'OPS-5')).toEqual(['table', 'log']);
  });
});

describe('tasks.md: a task list', () => {
  it('reads items as stories: ids from the text or derived, tags, dependency clauses, plain nested boxes as checklists; the legend is no story', async () => {
    const q = await open('tasks.md');
    expect(stories(q)).toEqual([
      'CLI-1 done',
      'CLI-2 done ← CLI-1',
      'CLI-3 in_progress (Dev 2) ← CLI-2',
      'CLI-4 todo ← CLI-3',
      'CLI-5 todo ← CLI-2',
      'CLI-6 blocked',
      'CLI-7 done ← CLI-1',
      'chores/pin-the-node-version-in-nvmrc todo',
      'chores/add-a-codeowners-file done',
    ]);
    // Plain boxes nested in an item (no id of their own) are its steps: its checklist, not stories.
    expect(q.graph.byId.get('CLI-5')!.checklist).toEqual([
      { text: 'decide the page size with the API team', done: true },
      { text: 'print a hint when more pages follow', done: false },
    ]);
    expect(q.stories.filter((s) => s.parent !== null)).toEqual([]);
    // A wrapped item's title is its whole first paragraph; the tag is not part of a title.
    expect(q.graph.byId.get('CLI-5')!.title).toBe("invoices list with paging and a --json flag, the output following the API's field names");
    expect(q.graph.byId.get('CLI-3')!.title).toBe('login command storing a token in the keychain');
    expect(q.graph.byId.get('CLI-6')!.status.reason).toBe('the API has no endpoint for one invoice yet');
    expect(q.diagnostics.map((d) => `${d.line} ${d.severity} ${d.code}`)).toEqual(['7 info legend']);
    expect(ready(q)).toEqual(['CLI-5', 'chores/pin-the-node-version-in-nvmrc']);
  });
});

describe('headings.md: heading blocks with a Status line', () => {
  it('reads id headings with a known status as stories, their boxes as checklists; a prose Status line under a heading with no id is no story', async () => {
    const q = await open('headings.md');
    expect(stories(q)).toEqual(['MA-001 done', 'MA-002 in_progress (Dev 2) ← MA-001', 'MA-003 todo ← MA-002', 'MA-004 blocked', 'BUG-1 done', 'BUG-2 todo ← MA-001']);
    expect(q.graph.byId.get('MA-001')!.checklist).toEqual([
      { text: 'cached data shown within 200 ms', done: true },
      { text: 'stale data marked as such', done: true },
    ]);
    expect(q.graph.byId.get('MA-002')!.checklist.map((c) => c.done)).toEqual([true, false]);
    expect([q.graph.byId.get('BUG-1')!.status.raw, q.graph.byId.get('BUG-2')!.priority]).toEqual(['RESOLVED', 'P2']);
    expect(q.stories.map((s) => s.title)).not.toContain('Notes from the design review');
    // MA-004 is blocked with no dependency: a hold, never ready.
    expect(ready(q)).toEqual(['BUG-2']);
    expect(diagnostics(q)).toEqual([]);
  });

  it('done writes the status value only, in the words the file uses', async () => {
    const text = read(fixture('headings.md'));
    const done = await apply('headings.md', text, [{ op: 'done', id: 'MA-002', agent: 'Dev 2' }]);
    expect(done).toBe(text.replace('Status: `in-progress`', 'Status: `done`'));
  });
});

describe('sections.md: the status is the section a block sits in', () => {
  it('reads each id heading with its section status, holder and hold reason; acceptance boxes are checklists', async () => {
    const q = await open('sections.md');
    expect(stories(q)).toEqual(['SQ-4 in_progress (Dev 1)', 'SQ-5 blocked', 'SQ-6 todo', 'SQ-7 todo', 'SQ-8 todo', 'SQ-9 blocked', 'SQ-3 done (Dev 2)', 'SQ-2 done', 'SQ-1 done']);
    expect(q.graph.byId.get('SQ-5')!.status.reason).toBe("the security team's choice of signing scheme");
    expect(q.graph.byId.get('SQ-9')!.status.raw).toBe('Needs refinement');
    expect(q.stories.reduce((n, s) => n + s.checklist.length, 0)).toBe(15);
    expect(ready(q)).toEqual(['SQ-6', 'SQ-7', 'SQ-8']);
    expect(diagnostics(q)).toEqual([]);
  });

  it('a claim without an id takes SQ-6 and moves its block to In progress', async () => {
    const text = read(fixture('sections.md'));
    const claimed = await apply('sections.md', text, [{ op: 'claim', agent: 'Dev 3', maxClaims: 1 }]);
    const s = (await readQueue([{ file: 'sections.md', text: claimed }])).graph.byId.get('SQ-6')!;
    expect([s.status.category, s.claimant, s.sectionPath.at(-1)]).toEqual(['in_progress', 'Dev 3', 'In progress']);
    expect(claimed).toContain('- **Priority**: P2\n- **Claimed by**: Dev 3\n');
  });
});

describe('listings.md: tables with no status column under a heading that states one', () => {
  it('reads listing rows as occurrences with the heading status; "Next — waiting for …" lists nothing ready', async () => {
    const q = await open('listings.md');
    expect(stories(q)).toEqual([
      'SR-1 done',
      'SR-2 done ← SR-1',
      'SR-3 blocked ← SR-2',
      'SR-4 todo ← SR-1',
      'SR-5 todo ← SR-4',
      'in-progress-claimed/relevance-tuning-notebook in_progress',
      'OPS-9 done',
      'later-after-the-design-r/saved-searches blocked',
    ]);
    expect([kinds(q, 'SR-1'), kinds(q, 'SR-3'), kinds(q, 'SR-4'), kinds(q, 'OPS-9')]).toEqual([['table', 'log'], ['table', 'log'], ['table'], ['log']]);
    expect(q.stories.some((s) => s.title === 'Query suggestions')).toBe(false);
    expect(diagnostics(q)).toEqual([]);
    // The rows not read are said, where the table is.
    const next = q.diagnostics.find((d) => d.code === 'column_role' && d.message.includes('Next — waiting'));
    expect(next).toMatchObject({ severity: 'info', line: 40, column: 1 });
    expect(next?.message).toContain('its 1 row is not read as stories');
    expect(ready(q)).toContain('SR-4');
  });

  it('a qualified heading whose word the legend defines as a hold lists held work', async () => {
    const q = await open('listings.md');
    const held = q.stories.find((s) => s.title === 'Saved searches')!;
    expect([held.status.category, held.status.reason]).toEqual(['blocked', 'Later — after the design review']);
    expect(ready(q)).not.toContain(held.id);
    expect(q.diagnostics.some((d) => d.code === 'column_role' && d.message.includes('Later —'))).toBe(false);
  });

  it('a listing under a heading that is a ready word alone: its rows are held when the legend says the word holds; a story only in a listing is offered neither way, as no claim can take it', async () => {
    const text = [
      '## Status legend',
      '',
      '| State | Meaning |',
      '|---|---|',
      '| Next | do not begin until approved |',
      '| Done | shipped |',
      '',
      '## Next',
      '',
      '| ID | Title |',
      '|---|---|',
      '| N1 | Saved searches |',
      '',
      '## Ready',
      '',
      '| ID | Title |',
      '|---|---|',
      '| R1 | Export to CSV |',
      '',
    ].join('\n');
    const q = await readQueue([{ file: 'WORK_QUEUE.md', text }]);
    expect(q.stories.map((s) => `${s.id} ${s.status.category}`)).toEqual(['N1 blocked', 'R1 todo']);
    expect(ready(q)).toEqual(['R1']);
    // R1 is written only in a listing: no claim can take it, so neither ready nor its aside offer it.
    expect(rankReady(q.graph).map((s) => s.id)).toEqual([]);
    expect(readyNotOffered(q.graph).map((s) => s.id)).toEqual([]);
    await expect(apply('WORK_QUEUE.md', text, [{ op: 'claim', id: 'R1', agent: 'Dev 1', maxClaims: 1 }])).rejects.toMatchObject({ code: 'parse_error' });
  });

  // The `## Blocked` listing holds SR-3 with a reason: its table row's only dependency being done
  // does not release it (render leaves it blocked too); `queue unblock` does, and drops the row.
  it('a story the Blocked listing holds is not ready, and a claim of it is refused', async () => {
    const q = await open('listings.md');
    expect(ready(q)).not.toContain('SR-3');
    expect(q.graph.isHold(q.graph.byId.get('SR-3')!)).toBe(true);
    const text = read(fixture('listings.md'));
    await expect(apply('listings.md', text, [{ op: 'claim', id: 'SR-3', agent: 'Dev 1', maxClaims: 1 }])).rejects.toMatchObject({ code: 'not_ready' });
    const lifted = await apply('listings.md', text, [{ op: 'unblock', id: 'SR-3', agent: 'Dev 1' }]);
    expect(lifted).not.toContain('| SR-3 | the orders stream has no staging topic yet |');
    expect(ready(await readQueue([{ file: 'listings.md', text: lifted }]))).toContain('SR-3');
  });
});

describe('crlf.md and bom.md: line ends and a byte order mark', () => {
  it('crlf.md reads as the same queue would with LF; a claim writes CRLF', async () => {
    const text = read(fixture('crlf.md'));
    expect(
      text
        .split('\n')
        .slice(0, -1)
        .every((l) => l.endsWith('\r')),
    ).toBe(true);
    const q = await open('crlf.md');
    expect(stories(q)).toEqual(['REL-1 done', 'REL-2 in_progress (Dev 3) ← REL-1✓', 'REL-3 blocked ← REL-2', 'REL-4 todo ← REL-1', 'REL-5 todo ← REL-3', 'REL-6 done']);
    const lf = await readQueue([{ file: 'crlf.md', text: text.replace(/\r\n/g, '\n') }]);
    expect(stories(lf)).toEqual(stories(q));
    expect(q.stories.map((s) => s.title)).toEqual(lf.stories.map((s) => s.title));
    expect(ready(q)).toEqual(['REL-4']);
    expect(diagnostics(q)).toEqual([]);
    const claimed = await apply('crlf.md', text, [{ op: 'claim', id: 'REL-4', agent: 'Dev 1', maxClaims: 1 }]);
    expect(claimed).toBe(text.replace('| [ ] | **REL-4** |', '| [IN PROGRESS: Dev 1] | **REL-4** |'));
  });

  it('the same file with classic Mac line ends (CR alone) reads as with LF; a claim, an add and a release keep CR', async () => {
    const cr = read(fixture('crlf.md')).replace(/\r\n/g, '\r');
    const lf = cr.replace(/\r/g, '\n');
    const q = await readQueue([{ file: 'crlf.md', text: cr }]);
    const l = await readQueue([{ file: 'crlf.md', text: lf }]);
    expect(stories(q)).toEqual(stories(l));
    expect(q.stories.map((s) => [s.title, s.line, s.column])).toEqual(l.stories.map((s) => [s.title, s.line, s.column]));
    expect(ready(q)).toEqual(['REL-4']);
    const claimed = await apply('crlf.md', cr, [{ op: 'claim', id: 'REL-4', agent: 'Dev 1', maxClaims: 1 }]);
    expect(claimed).toBe(cr.replace('| [ ] | **REL-4** |', '| [IN PROGRESS: Dev 1] | **REL-4** |'));
    expect(await apply('crlf.md', claimed, [{ op: 'release', id: 'REL-4', agent: 'Dev 1' }])).toBe(cr);
    const queue = await readQueue([{ file: 'crlf.md', text: cr }]);
    const added = (await applyDecision(queue, decideAdd(queue, { id: 'REL-7', title: 'Seventh', deps: [], agent: 'X' }))).content;
    expect(added.includes('\n')).toBe(false);
    expect(added.replace(/\r/g, '\n')).toContain('| **REL-7** | Seventh |');
  });

  it('bom.md: the mark is set aside (lines and columns as an editor shows them) and kept by a write', async () => {
    const text = read(fixture('bom.md'));
    expect([text.charCodeAt(0), text.endsWith('\n')]).toEqual([0xfeff, false]);
    const q = await open('bom.md');
    expect(q.documents[0].bom).toBe(1);
    expect(stories(q)).toEqual(['IMP-1 done', 'IMP-2 todo ← IMP-1✓', 'IMP-3 todo ← IMP-2', 'IMP-4 blocked ← IMP-1✓']);
    expect(q.stories.map((s) => [s.line, s.column])).toEqual([
      [7, 1],
      [8, 1],
      [9, 1],
      [10, 1],
    ]);
    expect(ready(q)).toEqual(['IMP-2']);
    expect(diagnostics(q)).toEqual([]);
    const claimed = await apply('bom.md', text, [{ op: 'claim', id: 'IMP-2', agent: 'Dev 1', maxClaims: 1 }]);
    expect(claimed).toBe(text.replace('| [ ] | **IMP-2** |', '| [IN PROGRESS: Dev 1] | **IMP-2** |'));
  });
});

describe('conflict.md: merge conflict markers in a table and in a task list', () => {
  it('every marker line is an error diagnostic, and the file cannot be edited', async () => {
    const q = await open('conflict.md');
    expect(q.documents[0].editable).toBe(false);
    expect(q.diagnostics.filter((d) => d.code === 'conflict').map((d) => [d.line, d.severity])).toEqual([
      [10, 'error'],
      [13, 'error'],
      [16, 'error'],
      [21, 'error'],
      [23, 'error'],
      [25, 'error'],
    ]);
    // The two sides disagree on NT-2, NT-3 and NT-5: each an error too.
    expect(q.diagnostics.filter((d) => d.code === 'duplicate_conflict').map((d) => d.story)).toEqual(['NT-2', 'NT-3', 'NT-5']);
    const text = read(fixture('conflict.md'));
    for (const op of [
      { op: 'claim', id: 'NT-3', agent: 'Dev 3', maxClaims: 1 },
      { op: 'done', id: 'NT-1', agent: 'Dev 3', force: true },
    ] as Operation[]) {
      await expect(apply('conflict.md', text, [op]), op.op).rejects.toMatchObject({ code: 'parse_error' });
    }
  });

  it('reads no story from a marker line and no marker into a title; both sides are read, no row after a marker is lost', async () => {
    const q = await open('conflict.md');
    const markers = new Set(q.diagnostics.filter((d) => d.code === 'conflict').map((d) => d.line));
    expect(q.stories.filter((s) => s.occurrences.some((o) => markers.has(o.line)) || /^(?:<{7}|={7}|>{7})|\s(?:<{7}|={7}|>{7})/.test(s.title)).map(line)).toEqual([]);
    expect(q.stories.map((s) => s.id)).toEqual(['NT-1', 'NT-2', 'NT-3', 'NT-4', 'NT-5']);
    // Lines are the file's own, though the markers were set aside to read it.
    expect(q.graph.byId.get('NT-4')!.line).toBe(17);
    expect(q.graph.byId.get('NT-2')!.occurrences.map((o) => o.line)).toEqual([11, 14]);
    expect(q.graph.byId.get('NT-5')!.title).toBe('Unsubscribe link in every email');
  });

  it('a claim without an id is refused like one with: the file, not the queue, is the problem', async () => {
    const text = read(fixture('conflict.md'));
    await expect(apply('conflict.md', text, [{ op: 'claim', agent: 'Dev 3', maxClaims: 1 }])).rejects.toMatchObject({ code: 'parse_error' });
  });
});

describe('hierarchy.md: parents, children and planning work', () => {
  const parents = (q: Queue) => q.stories.filter((s) => s.parent !== null).map((s) => `${s.parent} > ${s.id}`);

  it('reads parents from the Parent column and from nested items with ids; plain nested boxes are a checklist', async () => {
    const q = await open('hierarchy.md');
    expect(stories(q)).toEqual([
      'E1 done',
      'S1 todo',
      'S2 done',
      'E2 todo',
      'E3 todo',
      'S3 todo ← S1',
      'S4 done',
      'S5 todo',
      '7 todo',
      '7-1 done',
      '7-2 todo ← 7-1',
      'PH-1 todo',
      'FE-1 done',
      'TK-1 done',
      'TK-2 done ← TK-1',
      'FE-2 todo ← FE-1',
    ]);
    expect(parents(q)).toEqual(['E1 > S1', 'E1 > S2', 'E3 > S3', 'E3 > S4', 'PH-1 > FE-1', 'FE-1 > TK-1', 'FE-1 > TK-2', 'PH-1 > FE-2']);
    expect(q.graph.children('E3')).toEqual(['S3', 'S4']);
    expect(q.graph.parentOf('TK-2')).toBe('FE-1');
    expect(q.graph.byId.get('FE-2')!.checklist.map((c) => c.done)).toEqual([false, true]);
    // Ids say nothing about parents without the config's hierarchy.prefixes.
    expect(q.graph.byId.get('7-1')!.parent).toBeNull();
    // E1 is marked done while S1 is open.
    expect(diagnostics(q)).toEqual(['10 parent_done_early']);
  });

  it('a parent with open children is not ready; planning work is not ready but offered for planning', async () => {
    const q = await open('hierarchy.md');
    // E3 and PH-1 wait on their children; E2 (an epic with no children) and S5 (needs decomposition) are planning work.
    expect(ready(q)).toEqual(['S1', '7', '7-2', 'FE-2']);
    expect(q.graph.planning().map((s) => s.id)).toEqual(['E2', 'S5']);
    expect(q.stories.filter((s) => s.needsDecomposition).map((s) => s.id)).toEqual(['E2', 'S5']);
    expect(q.graph.blocked().find((b) => b.story.id === 'E3')).toMatchObject({ children: ['S3'], planning: false, waitingOn: [] });
    expect(q.graph.rollup('E3')).toEqual({ done: 1, total: 2, percent: 50, byCategory: { todo: 1, done: 1 } });
    expect(q.graph.rollup('S1')).toBeNull();
  });

  it('with hierarchy.prefixes, 7-1 and 7-2 are children of 7, which then waits on 7-2', async () => {
    const q = await readQueue([{ file: 'hierarchy.md', text: read(fixture('hierarchy.md')) }], {
      vocabulary: { statuses: {}, columns: {}, ids: [], hierarchy: { prefixes: true } },
    });
    expect(q.graph.children('7')).toEqual(['7-1', '7-2']);
    expect(ready(q)).toEqual(['S1', '7-2', 'FE-2']);
  });
});

describe('combined.md: every form in one file', () => {
  it('reads the Completed log, the tier table, heading blocks, task items, a section that holds its boxes and a listing', async () => {
    const q = await open('combined.md');
    expect(stories(q)).toEqual([
      'CP-1 done',
      'CP-2 done ← CP-1✓',
      'CP-3 in_progress (Dev 1) ← CP-2✓',
      'CP-4 todo ← CP-2✓',
      'CP-5 blocked ← CP-3 CP-9',
      'CP-6 blocked ← CP-2',
      'CP-9 review (Dev 3) ← CP-1',
      'CP-10 todo',
      'CP-11 done ← CP-1',
      'CP-12 todo ← CP-2',
      'CP-13 blocked',
      'CP-14 blocked',
    ]);
    expect(['CP-1', 'CP-2', 'CP-5', 'CP-9', 'CP-12'].map((id) => kinds(q, id))).toEqual([['log'], ['table', 'log'], ['table', 'log'], ['heading'], ['task']]);
    expect(q.graph.byId.get('CP-13')!.status.reason).toBe('Blocked on the customer — nobody can build past these');
    // CP-6 waits only on CP-2, which is done: ready, and render would unblock it.
    expect(ready(q)).toEqual(['CP-4', 'CP-6', 'CP-10', 'CP-12']);
    expect(diagnostics(q).filter((d) => !d.endsWith('missing_story_file'))).toEqual([]);
  });

  it('a claim without an id takes a story of the main form, a table row', async () => {
    const text = read(fixture('combined.md'));
    const q = await readQueue([{ file: 'combined.md', text }]);
    const id = decide(q, { op: 'claim', agent: 'Dev 4', maxClaims: 1 }).id!;
    expect(kinds(q, id)).toEqual(['table']);
    expect(ready(q)).toContain(id);
  });
});
