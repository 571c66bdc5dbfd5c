import { describe, expect, it } from 'vitest';
import { parseStatus, unstruckStatus } from '../../src/dialect/status.js';
import { readQueue } from '../../src/read/queue.js';

describe('status grammar', () => {
  it.each([
    ['[ ]', 'todo', null, null],
    ['[]', 'todo', null, null],
    ['[x]', 'done', null, null],
    ['[X]', 'done', null, null],
    ['[DONE]', 'done', null, null],
    ['[BLOCKED]', 'blocked', null, null],
    ['[BLOCKED: waiting on API keys]', 'blocked', null, 'waiting on API keys'],
    ['[IN PROGRESS: Dev 2]', 'in_progress', 'Dev 2', null],
    ['[CLAIMING: Dev X]', 'in_progress', 'Dev X', null],
    ['[PREP: Dev 3]', 'in_progress', 'Dev 3', null],
    ['DONE', 'done', null, null],
    ['Done', 'done', null, null],
    ['todo', 'todo', null, null],
    ['in_progress', 'in_progress', null, null],
    ['in-progress', 'in_progress', null, null],
    ['IN PROGRESS (Dev 1)', 'in_progress', 'Dev 1', null],
    ['PENDING', 'todo', null, null],
    ['PENDING — CRITICAL', 'todo', null, null],
    ['READY', 'todo', null, null],
    ['VERIFY', 'review', null, null],
    ['needs-review', 'review', null, null],
    ['Team review', 'review', null, null],
    ['complete', 'done', null, null],
    ['verified', 'done', null, null],
    ['deferred', 'blocked', null, null],
    ['skipped', 'cancelled', null, null],
    ['**CANCELLED** — premise falsified by S52', 'cancelled', null, null],
    ['🔜 Planned', 'todo', null, null],
    ['🔜', 'todo', null, null],
    ['🔜 Next up', 'todo', null, null],
    // A transition written with an arrow: the later status holds.
    ['Todo → In progress', 'in_progress', null, null],
    ['todo -> done', 'done', null, null],
    ['DONE — 730833e', 'done', null, null],
    ['DONE (GROK-LOCAL 2026-08-19) — spikes/x', 'done', 'GROK-LOCAL', null],
    ['CLAIMED [date]', 'in_progress', null, null],
    ['BLOCKED — needs the cutover', 'blocked', null, 'needs the cutover'],
    ['✅', 'done', null, null],
    ['✅ 完了', 'done', null, null],
    ['🔲 未着手', 'todo', null, null],
    ['🔄', 'in_progress', null, null],
    ['⏳', 'todo', null, null],
    ['🔴', 'blocked', null, null],
    ['❌', 'cancelled', null, null],
    ['완료', 'done', null, null],
    ['en cours', 'in_progress', null, null],
    // A second status after a slash is not claimable work (binary-100/BSODAnalyzer).
    ['Next / In progress', 'in_progress', null, null],
    ['**Next** / In progress (Dev 4)', 'in_progress', 'Dev 4', null],
    ['TODO / blocked on the key', 'blocked', null, null],
    ['Next / later', 'todo', null, null],
    ['Open / ready', 'todo', null, null],
    // The later status after "then" is the current one (xander1421/kingfisher).
    ['REOPENED then DONE — v3 was marked DONE and was wrong', 'done', null, null],
    ['DONE then reopened', 'todo', null, null],
    ['Done, and then reopened', 'todo', null, null],
    ['BLOCKED then whatever', 'blocked', null, null],
  ])('%s → %s', (text, category, claimant, reason) => {
    const s = parseStatus(text);
    expect(s.category).toBe(category);
    expect(s.claimant).toBe(claimant);
    expect(s.reason).toBe(reason);
    expect(s.raw).toBe(text.trim());
  });

  it.each(['', 'AI', 'POSTED to CHANNEL', 'donekey', 'Doneness', 'openly'])('%j is unknown, not guessed', (text) => {
    expect(parseStatus(text).category).toBe('unknown');
  });
});

describe('statuses crossed out', () => {
  const read = async (cells: string[]) => {
    const rows = cells.map((c, i) => `| T-${i + 1} | task | ${c} |`).join('\n');
    const q = await readQueue([{ file: 'WORK_QUEUE.md', text: `| ID | Task | Status |\n|---|---|---|\n${rows}\n` }]);
    return q.stories.map((s) => s.status.category);
  };

  it('a status struck through for the one after it is history: the cell says the later one', async () => {
    expect(
      await read([
        '~~OPEN~~ **DONE**',
        '~~In progress~~ ✅ Done',
        '~~Done~~ Reopened',
        '~Todo~ Cancelled',
        '<del>Todo</del> In progress (Dev 2)',
        '<s>Done</s> **Blocked**',
        // Nothing but a strikethrough, a tilde that strikes nothing, and no strikethrough: as written.
        '~~Done~~',
        'Done ~2h',
        'Todo',
      ]),
    ).toEqual(['done', 'done', 'todo', 'cancelled', 'in_progress', 'blocked', 'done', 'done', 'todo']);
    expect(unstruckStatus('~~OPEN~~ **DONE**')).toBe('DONE');
    expect(unstruckStatus('Done ~2h')).toBeNull();
  });
});
