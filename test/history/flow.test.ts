/**
 * `queue stats --history`: a history scripted with the CLI over real git, each commit at a fixed
 * time (GIT_AUTHOR_DATE, GIT_COMMITTER_DATE), summed up as throughput, cycle, lead and blocked times,
 * reopens, handoffs per story and per agent; the figures are worked out here from the script's own times. And the
 * arithmetic alone: median and nearest-rank p90.
 */
import { describe, expect, it } from 'vitest';
import { durations } from '../../src/history/flow.js';
import { git, queue, setup } from '../git/repos.js';

const QUEUE = [
  '| Status | Story | Description | Depends On |',
  '|---|---|---|---|',
  '| [ ] | **A** | a | None |',
  '| [BLOCKED] | **B** | b | A |',
  '| [ ] | **C** | c | None |',
  '',
].join('\n');

const at = (iso: string) => ({ GIT_AUTHOR_DATE: iso, GIT_COMMITTER_DATE: iso });
const H = 3600;

describe('durations', () => {
  it('median is the middle value (the mean of the two middle ones), p90 the nearest rank', () => {
    expect(durations([])).toEqual({ count: 0, median: null, p90: null });
    expect(durations([5])).toEqual({ count: 1, median: 5, p90: 5 });
    expect(durations([4, 1, 3, 2])).toEqual({ count: 4, median: 2.5, p90: 4 });
    expect(durations([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110])).toEqual({ count: 11, median: 60, p90: 100 });
  });
});

describe('queue stats --history', () => {
  it('sums up a scripted history: throughput by day and week, cycle, lead and blocked times, reopens, handoffs per story, per agent; --since', async () => {
    const seed = '2026-12-01T09:00:00Z';
    const { clones } = setup({ 'WORK_QUEUE.md': QUEUE }, 1, at(seed));
    const c = clones[0];
    const script: Array<[string, string[]]> = [
      ['2026-12-01T10:00:00Z', ['claim', 'A', '--agent', 'Dev 1']],
      ['2026-12-01T12:00:00Z', ['done', 'A', '--agent', 'Dev 1']],
      ['2026-12-01T13:00:00Z', ['claim', 'C', '--agent', 'Dev 2']],
      ['2026-12-01T14:00:00Z', ['block', 'C', '--reason', 'waiting on keys', '--agent', 'Dev 2']],
      ['2026-12-02T10:00:00Z', ['unblock', 'C', '--agent', 'Dev 2']],
      ['2026-12-02T11:00:00Z', ['claim', 'C', '--agent', 'Dev 2']],
      ['2026-12-02T12:00:00Z', ['handoff', '--story', 'C', '--to', 'Dev 3', '--notes', 'over to you', '--agent', 'Dev 2']],
      ['2026-12-02T15:00:00Z', ['done', 'C', '--agent', 'Dev 2']],
      ['2026-12-03T09:00:00Z', ['claim', 'B', '--agent', 'Dev 1']],
      ['2026-12-03T10:00:00Z', ['review', 'B', '--agent', 'Dev 1']],
      ['2026-12-03T11:00:00Z', ['approve', 'B', '--agent', 'Dev 2']],
      ['2026-12-08T09:00:00Z', ['reopen', 'A', '--agent', 'Dev 1']],
      ['2026-12-08T10:00:00Z', ['claim', 'A', '--agent', 'Dev 1']],
      ['2026-12-08T10:30:00Z', ['done', 'A', '--agent', 'Dev 1']],
    ];
    for (const [when, args] of script) {
      const r = await queue(c, args, at(when));
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    git(c, 'pull', '-q', '--ff-only', 'origin', 'main');

    // Worked out from the script: A claimed 10:00, done 12:00, in the file since the seed (09:00);
    // C claimed 12-01 13:00 (held 14:00 → 12-02 10:00, 20 h), done 12-02 15:00 (26 h after its claim);
    // B claimed 12-03 09:00, approved 11:00; A reopened 12-08 09:00, claimed 10:00, done 10:30.
    const t = (iso: string) => Date.parse(iso) / 1000;
    const cycle = { A1: 2 * H, C: 26 * H, B: 2 * H, A2: 0.5 * H };
    const lead = { A1: 3 * H, C: t('2026-12-02T15:00:00Z') - t(seed), B: t('2026-12-03T11:00:00Z') - t(seed), A2: 1.5 * H };
    expect(lead.C).toBe(30 * H);
    const r = await queue(c, ['stats', '--history', '--json']);
    expect(r.code).toBe(0);
    expect(r.json).toEqual({
      schemaVersion: 1,
      history: {
        since: null,
        done: 4,
        throughputByDay: [
          { date: '2026-12-01', done: 1 },
          { date: '2026-12-02', done: 1 },
          { date: '2026-12-03', done: 1 },
          { date: '2026-12-04', done: 0 },
          { date: '2026-12-05', done: 0 },
          { date: '2026-12-06', done: 0 },
          { date: '2026-12-07', done: 0 },
          { date: '2026-12-08', done: 1 },
        ],
        // 2026-12-01 is a Tuesday: its week starts on Monday 11-30.
        throughputByWeek: [
          { week: '2026-11-30', done: 3 },
          { week: '2026-12-07', done: 1 },
        ],
        // Sorted: 0.5 h, 2 h, 2 h, 26 h.
        cycleTime: { count: 4, median: cycle.A1, p90: cycle.C },
        // Sorted: 1.5 h, 3 h, 30 h, 50 h.
        leadTime: { count: 4, median: (lead.A1 + lead.C) / 2, p90: lead.B },
        blockedTime: { count: 1, median: 20 * H, p90: 20 * H },
        reopens: 1,
        reopenRate: 0.25,
        // One handoff, for C, before its done.
        handoffsPerStory: { mean: 0.25, max: 1 },
        byAgent: {
          // B was approved by Dev 2, but Dev 1 did it.
          'Dev 1': { done: 3, cycleTime: { count: 3, median: cycle.B, p90: cycle.B } },
          'Dev 2': { done: 1, cycleTime: { count: 1, median: cycle.C, p90: cycle.C } },
        },
      },
    });
    const since = await queue(c, ['stats', '--history', '--since', '2026-12-02', '--json']);
    expect(since.json.history).toMatchObject({
      since: '2026-12-02',
      done: 3,
      cycleTime: { count: 3, median: cycle.B, p90: cycle.C },
      leadTime: { count: 3, median: lead.C, p90: lead.B },
      blockedTime: { count: 1 },
      reopens: 1,
      handoffsPerStory: { mean: 1 / 3, max: 1 },
    });
    // `--since` alone asks for the same flow.
    expect((await queue(c, ['stats', '--since', '2026-12-02', '--json'])).json.history).toEqual(since.json.history);
    expect((await queue(c, ['stats', '--history'])).stdout).toContain('4 done (0.5 a day over 8 days)');
    expect((await queue(c, ['stats', '--history', '--since', 'soon', '--json'])).json.error.code).toBe('usage');
  });
});
