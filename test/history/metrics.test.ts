/**
 * The team's flow over a real history: the 48 versions of rgrid's WORK_QUEUE.md committed in order,
 * each at its own date (COMMITS.tsv), then `queue stats --history --json` and the
 * `<!-- queue:metrics -->` block `queue render` writes, both compared with a reference worked out
 * here from the versions alone — a story is done in a version when a table row that names it
 * (`**id**`) starts with `[DONE]`; a commit finished the stories done in it and not in the version
 * before — with no code of queue's reader.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { read, RGRID, rgridVersions, tempDir, withoutCorpus } from '../helpers.js';
import { git, gitEnv, queue } from '../git/repos.js';

/** The ids a version shows as done: rows whose first cell starts with `[DONE]`, by their first `**id**`. */
function doneIds(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const row = /^\|\s*\[DONE\][^|]*\|/.exec(line);
    const id = /\*\*([^*]+)\*\*/.exec(line);
    if (row && id) out.add(id[1].trim());
  }
  return out;
}

const DAY = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const mondayOf = (ms: number) => {
  const d = Math.floor(ms / DAY) * DAY;
  return d - ((new Date(d).getUTCDay() + 6) % 7) * DAY;
};

/** Every day (or week, by Monday) from the first done to the last, with the stories done in it. */
function series(times: number[], start: (ms: number) => number, step: number): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (let t = start(Math.min(...times)); t <= Math.max(...times); t += step) out.push([day(t), times.filter((x) => x >= t && x < t + step).length]);
  return out;
}

describe.skipIf(withoutCorpus('the flow of the rgrid history against a reference from its versions'))('the flow of a real history', () => {
  it('queue stats --history and the queue:metrics block equal the throughput counted from the versions', async () => {
    const versions = rgridVersions();
    const commits = readFileSync(join(RGRID, 'COMMITS.tsv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t'));
    expect(versions.length).toBe(48);
    expect(commits.length).toBe(48);

    const repo = tempDir('queue-rgrid-');
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'config', 'user.name', 'rgrid');
    git(repo, 'config', 'user.email', 'rgrid@example.com');
    const doneTimes: number[] = [];
    let before = new Set<string>();
    for (const [i, v] of versions.entries()) {
      const [, , date, subject] = commits[i];
      const text = read(v);
      writeFileSync(join(repo, 'WORK_QUEUE.md'), text);
      git(repo, 'add', 'WORK_QUEUE.md');
      gitEnv(repo, { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date }, 'commit', '-q', '--allow-empty', '-m', subject);
      const now = doneIds(text);
      // The first version is where the history starts: what it shows done was done before it.
      if (i > 0) for (const id of now) if (!before.has(id)) doneTimes.push(Date.parse(date));
      before = now;
    }
    const byDay = series(doneTimes, (t) => Math.floor(t / DAY) * DAY, DAY);
    const byWeek = series(doneTimes, mondayOf, 7 * DAY);
    expect(doneTimes.length).toBeGreaterThan(20);

    const stats = await queue(repo, ['stats', '--history', '--json']);
    expect(stats.code, stats.stderr).toBe(0);
    const flow = stats.json.history;
    expect(flow.done).toBe(doneTimes.length);
    expect(flow.throughputByDay.map((d: { date: string; done: number }) => [d.date, d.done])).toEqual(byDay);
    expect(flow.throughputByWeek.map((w: { week: string; done: number }) => [w.week, w.done])).toEqual(byWeek);

    // The block, in the working file: the chart's weeks, bars and burn-up are the reference's.
    const listed = (await queue(repo, ['list', '--json'])).json;
    const file = join(repo, 'WORK_QUEUE.md');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n## Flow\n\n<!-- queue:metrics -->\n<!-- /queue:metrics -->\n`);
    const r = await queue(repo, ['render']);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(file, 'utf8');
    const block = /<!-- queue:metrics -->\n([\s\S]*?)<!-- \/queue:metrics -->/.exec(text)![1];
    expect(block).toContain('```mermaid\nxychart-beta\n');
    const list = (name: string) => JSON.parse(new RegExp(`^\\s*${name} (\\[.*\\])$`, 'm').exec(block)![1]);
    expect(list('x-axis')).toEqual(byWeek.map(([w]) => w));
    expect(list('bar')).toEqual(byWeek.map(([, n]) => n));
    let sum = 0;
    expect(list('line')).toEqual(byWeek.map(([, n]) => (sum += n)));
    expect(block).toMatch(/^\| Time \| Median \| p90 \| Stories \|$/m);
    expect(block).toMatch(new RegExp(`^\\| Cycle \\(claim → done\\) \\| .+ \\| .+ \\| ${flow.cycleTime.count} \\|$`, 'm'));

    // Idempotent, checked clean, and read back as no story at all.
    const again = await queue(repo, ['render']);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(text);
    const check = await queue(repo, ['render', '--check']);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect((await queue(repo, ['list', '--json'])).json).toEqual(listed);

    // Committing the block changes no figure; a commit that finishes a story makes it stale.
    git(repo, 'commit', '-q', '-am', 'render the metrics block');
    expect((await queue(repo, ['render', '--check'])).code).toBe(0);
    const open = /^\| \[ \] \|/m;
    expect(text).toMatch(open);
    writeFileSync(file, text.replace(open, '| [DONE] |'));
    gitEnv(repo, { GIT_AUTHOR_DATE: '2025-12-01T10:00:00Z', GIT_COMMITTER_DATE: '2025-12-01T10:00:00Z' }, 'commit', '-q', '-am', 'finish one more');
    const stale = await queue(repo, ['render', '--check']);
    expect(stale.code).toBe(1);
    expect(stale.stdout + stale.stderr).toContain('queue:metrics');
  }, 120_000);
});
