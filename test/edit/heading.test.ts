import { describe, expect, it } from 'vitest';
import { QueueError } from '../../src/domain/errors.js';
import { readQueue } from '../../src/read/queue.js';
import { applyDecision } from '../../src/edit/apply.js';
import { decide, type Operation } from '../../src/edit/decide.js';
import { decideDep } from '../../src/edit/structure.js';
import { corpusFiles, fixtureFiles, withoutCorpus } from '../helpers.js';
import { statusChanges } from './status-changes.js';

const q = (text: string) => readQueue([{ file: 'WORK_QUEUE.md', text }]);

async function run(text: string, op: Operation): Promise<string> {
  const queue = await q(text);
  return (await applyDecision(queue, decide(queue, op))).content;
}

const md = [
  '# Queue',
  '',
  '## QW-001 Crash-safe persistence design',
  'Status: `done`',
  '',
  '## QW-002 Crash-safe persistence implementation',
  '',
  '**Status:** `todo`',
  '- **Depends on**: QW-001',
  '',
  '```',
  'Status: done',
  '```',
  '',
  '### Acceptance',
  '- [ ] survives kill -9',
  '',
  '## BUG-3: Session ids',
  'Owner: Dev 1',
  'Status: `todo`',
  'Dependencies: QW-002',
  '',
  '## Notes',
  'Status: the team is on holiday',
  '',
].join('\n');

/** Every status change of a heading story of `files` changes only its status line. Stories whose
 * status is their section move instead (move.test.ts). */
function headingChanges(files: string[]) {
  return statusChanges(files, 'heading', 6, (file, text, s, op, applied) => {
    const lines = text.split('\n');
    const after = applied.content.split('\n');
    // `done` appends the story to the file's Completed log, when there is one: that line aside.
    const log = op.op === 'done' ? applied.story!.occurrences.find((o) => o.kind === 'log') : undefined;
    if (log) after.splice(log.line - 1, 1);
    expect(after.length, `${file} ${s.id}`).toBe(lines.length);
    const statusLine = text.slice(0, s.occurrences[0].spans.status!.start).split('\n').length - 1;
    expect(
      lines.map((l, k) => (l === after[k] ? -1 : k)).filter((k) => k !== -1),
      `${file} ${s.id}`,
    ).toEqual([statusLine]);
  });
}

describe('heading-block stories', () => {
  it('reads a heading with a Status line as a story: id from the heading, dependencies and owner from its fields', async () => {
    const queue = await q(md);
    const s = (id: string) => queue.graph.byId.get(id)!;
    expect(queue.stories.filter((x) => x.occurrences[0].kind === 'heading').map((x) => [x.id, x.title, x.status.category])).toEqual([
      ['QW-001', 'Crash-safe persistence design', 'done'],
      ['QW-002', 'Crash-safe persistence implementation', 'todo'],
      ['BUG-3', 'Session ids', 'todo'],
    ]);
    expect([s('QW-002').deps.map((d) => d.id), s('BUG-3').deps.map((d) => d.id), s('BUG-3').owner]).toEqual([['QW-001'], ['QW-002'], 'Dev 1']);
    expect(queue.graph.isReady(s('QW-002'))).toBe(true);
    expect(queue.graph.isReady(s('BUG-3'))).toBe(false);
    // "## Notes" has a Status line in prose and no id: not a story. The fenced "Status: done" is not QW-002's.
  });

  it('claim rewrites the status value only, inside its backticks, in the words the file uses; done and reopen likewise', async () => {
    const claimed = await run(md, { op: 'claim', agent: 'Dev 2', maxClaims: 1 });
    expect(claimed).toBe(md.replace('**Status:** `todo`', '**Status:** `in progress (Dev 2)`'));
    expect((await q(claimed)).graph.byId.get('QW-002')!.claimant).toBe('Dev 2');
    const done = await run(claimed, { op: 'done', id: 'QW-002', agent: 'Dev 2' });
    expect(done).toBe(md.replace('**Status:** `todo`', '**Status:** `done`'));
    expect(await run(done, { op: 'reopen', id: 'QW-002', agent: 'X' })).toBe(md);
    // Bold round the whole line, or round the label and status with prose after it: the marks
    // close the value, and stay where they are.
    const bold = '# Q\n\n## Q3 Docs\n\n**Status: todo**\n\n## Q8 Notes\n\n**State: done** (PR #8 merged).\n';
    const read = await q(bold);
    expect(read.stories.map((s) => `${s.id} ${s.status.raw}`)).toEqual(['Q3 todo', 'Q8 done']);
    const taken = await run(bold, { op: 'claim', id: 'Q3', agent: 'A', maxClaims: 1 });
    expect(taken).toBe(bold.replace('**Status: todo**', '**Status: in progress (A)**'));
    expect(await run(bold, { op: 'reopen', id: 'Q8', agent: 'A' })).toBe(bold.replace('**State: done**', '**State: todo**'));
  });

  it("dep edits the Depends on line, or adds one in the status line's dress", async () => {
    const dep = async (text: string, action: 'add' | 'rm', a: string, b: string) => {
      const queue = await q(text);
      return (await applyDecision(queue, decideDep(queue, action, a, b, 'X'))).content;
    };
    expect(await dep(md, 'add', 'BUG-3', 'QW-001')).toBe(md.replace('Dependencies: QW-002', 'Dependencies: QW-002, QW-001'));
    // The last dependency leaves its line saying none: the line, its label and its place are the
    // person's, and an add puts a dependency back into it.
    const none = await dep(md, 'rm', 'QW-002', 'QW-001');
    expect(none).toBe(md.replace('- **Depends on**: QW-001', '- **Depends on**: None'));
    expect(await dep(none, 'add', 'QW-002', 'QW-001')).toBe(md);
    const extra = `${md}## QW-004 Extra\n**Status:** todo\n`;
    expect(await dep(extra, 'add', 'QW-004', 'QW-001')).toBe(extra.replace('**Status:** todo\n', '**Status:** todo\n**Depends on:** QW-001\n'));
    // A status line in bold from end to end gives the new line the same closing marks.
    const closed = `${md}## QW-005 Closed\n**Status: todo**\n`;
    expect(await dep(closed, 'add', 'QW-005', 'QW-001')).toBe(closed.replace('**Status: todo**\n', '**Status: todo**\n**Depends on: QW-001**\n'));
    // A placeholder in emphasis goes with its emphasis: `_QW-001_` would read as prose.
    for (const none of ['_None._', '**None**', '*none*', '`None`', '_Нет._', '_None_.', '*_None_*']) {
      const placeholder = `${md}## QW-004 Extra\n**Status:** todo\n- **Depends on**: ${none}\n`;
      expect(await dep(placeholder, 'add', 'QW-004', 'QW-001')).toBe(placeholder.replace(`: ${none}\n`, ': QW-001\n'));
    }
    // A note inside it stays after the dependency; an HTML comment after a reference stays after
    // the placeholder that takes its place.
    const noted = `${md}## QW-004 Extra\n**Status:** todo\n- **Depends on**: _None (see notes)_\n`;
    expect((await q(noted)).graph.byId.get('QW-004')!.deps).toEqual([]);
    expect(await dep(noted, 'add', 'QW-004', 'QW-001')).toBe(noted.replace(': _None (see notes)_\n', ': QW-001 (see notes)\n'));
    const commented = `${md}## QW-004 Extra\n**Status:** todo\n- **Depends on**: QW-001 <!-- c -->\n`;
    expect((await q(commented)).graph.byId.get('QW-004')!.deps.map((d) => d.id)).toEqual(['QW-001']);
    expect(await dep(commented, 'rm', 'QW-004', 'QW-001')).toBe(commented.replace(': QW-001 <!-- c -->\n', ': None <!-- c -->\n'));
  });

  it('claim without an id takes a heading story, never a check box; boxes inside a story are its checklist', async () => {
    const queue = await q(md);
    // "- [ ] survives kill -9" sits in QW-002's block (under its "### Acceptance"): not a story.
    expect(queue.stories.some((s) => s.occurrences[0].kind === 'task')).toBe(false);
    expect(queue.graph.byId.get('QW-002')!.checklist).toEqual([{ text: 'survives kill -9', done: false }]);
    const beside = await q(`${md}## Schedule\n\n- [ ] write the release notes\n`);
    expect(beside.stories.some((s) => s.occurrences[0].kind === 'task' && beside.graph.isReady(s))).toBe(true);
    expect(decide(beside, { op: 'claim', agent: 'A', maxClaims: 1 }).id).toBe('QW-002');
    expect(decide(queue, { op: 'claim', agent: 'A', maxClaims: 1 }).id).toBe('QW-002');
    // A story written twice (a heading and a schedule line with its id, argie33/algo) is skipped,
    // and `ready` does not offer it: every write refuses it until a person says which is the story.
    const twice = await q(`${md}## QW-003 Docs\nStatus: todo\n\n## Schedule\n\n- [ ] QW-002 - start the design\n`);
    expect(twice.graph.isReady(twice.graph.byId.get('QW-002')!)).toBe(false);
    expect(decide(twice, { op: 'claim', agent: 'A', maxClaims: 1 }).id).toBe('QW-003');
  });

  it('over the fixtures: every status change of a heading story changes only its status line', async () => {
    const { edits, refused } = await headingChanges(fixtureFiles());
    expect(edits).toBeGreaterThan(5);
    expect(refused).toBeLessThan(edits / 10);
  });

  it.skipIf(withoutCorpus('heading-block status writes over ../shared/corpus'))(
    'over the corpus: every status change of a heading story changes only its status line',
    async () => {
      const { edits, refused } = await headingChanges(corpusFiles());
      expect(edits).toBeGreaterThan(20);
      expect(refused).toBeLessThan(edits / 10);
    },
  );

  it('a refusal is a QueueError: a done story cannot be claimed', async () => {
    const e = await run(md, { op: 'claim', id: 'QW-001', agent: 'A', maxClaims: 1 }).catch((x) => x);
    expect(e).toBeInstanceOf(QueueError);
    expect(e.code).toBe('not_ready');
  });
});
