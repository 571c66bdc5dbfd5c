import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureFiles, ROOT, RGRID, REAL, tempDir, withoutCorpus } from './helpers.js';

const BIN = join(ROOT, 'dist', 'queue.js');

function run(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(BIN, args, { cwd: opts.cwd ?? ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...opts.env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(args: string[], opts?: { cwd?: string }) {
  const r = run([...args, '--json'], opts);
  const lines = r.stdout.trim().split('\n');
  expect(lines, 'exactly one JSON document').toHaveLength(1);
  return { ...r, body: JSON.parse(r.stdout) };
}

let repo: string;
beforeAll(() => {
  // A small queue in a directory with a .git marker, with a story file present and one missing.
  repo = tempDir('queue-cli-');
  mkdirSync(join(repo, '.git'));
  mkdirSync(join(repo, 'stories'));
  writeFileSync(join(repo, 'stories', 'a.md'), '# A\n');
  writeFileSync(
    join(repo, 'WORK_QUEUE.md'),
    [
      '# Queue',
      '',
      '## Tier 1',
      '',
      '| Status | Story | Description | Depends On | Story File |',
      '|---|---|---|---|---|',
      '| [DONE] | **A** | First | None | `stories/a.md` |',
      '| [ ] | **B** | Second | A ✅ | `stories/b.md` |',
      '| [IN PROGRESS: Dev 2] | **C** | Third | A | |',
      '| [BLOCKED] | **D** | Fourth | B, C | |',
      '',
    ].join('\n'),
  );
});

describe('queue CLI', () => {
  it('list --json follows the contract', () => {
    const { code, body } = json(['list'], { cwd: repo });
    expect(code).toBe(0);
    expect(body.schemaVersion).toBe(1);
    expect(Object.keys(body.stories[0]).sort()).toEqual(['claimant', 'deps', 'file', 'id', 'line', 'rawStatus', 'ready', 'section', 'status', 'storyFile', 'title'].sort());
    expect(body.stories[1]).toEqual({
      id: 'B',
      title: 'Second',
      status: 'todo',
      rawStatus: '[ ]',
      claimant: null,
      deps: ['A'],
      section: 'Tier 1',
      storyFile: 'stories/b.md',
      file: 'WORK_QUEUE.md',
      line: 8,
      ready: true,
    });
    expect(body.diagnostics).toEqual([
      { severity: 'warning', code: 'missing_story_file', message: 'story file stories/b.md does not exist', file: 'WORK_QUEUE.md', line: 8, column: 1, story: 'B' },
    ]);
  });

  it('-C finds WORK_QUEUE.md at the repository root from a subdirectory', () => {
    const { body } = json(['-C', join(repo, 'stories'), 'ready']);
    expect(body.stories.map((s: { id: string }) => s.id)).toEqual(['B']);
  });

  it('list --status filters by category', () => {
    const { body } = json(['list', '--status', 'in_progress,blocked'], { cwd: repo });
    expect(body.stories.map((s: { id: string }) => s.id)).toEqual(['C', 'D']);
    expect(json(['list', '--status', 'ready'], { cwd: repo }).body.stories.map((s: { id: string }) => s.id)).toEqual(['B']);
  });

  it('blocked says what each story waits on', () => {
    const { body } = json(['blocked'], { cwd: repo });
    expect(body.stories.map((s: { id: string; waitingOn: string[] }) => [s.id, s.waitingOn])).toEqual([['D', ['B', 'C']]]);
  });

  it('show gives dependents and occurrences; an unknown id is not_found, exit 1', () => {
    const { body } = json(['show', 'A'], { cwd: repo });
    expect(body.story.dependents).toEqual(['B', 'C']);
    const miss = json(['show', 'ZZ'], { cwd: repo });
    expect(miss.code).toBe(1);
    expect(miss.body).toEqual({ schemaVersion: 1, error: { code: 'not_found', message: expect.stringContaining('ZZ'), id: 'ZZ' } });
  });

  it('usage errors exit 2 with a JSON error; unreadable files exit 2', () => {
    const bad = json(['ready', '--limit', 'zero'], { cwd: repo });
    expect(bad.code).toBe(2);
    expect(bad.body.error.code).toBe('usage');
    const unknown = json(['frobnicate'], { cwd: repo });
    expect(unknown.code).toBe(2);
    expect(unknown.body.error.code).toBe('usage');
    const missing = json(['list', '--file', 'nope.md'], { cwd: repo });
    expect(missing.code).toBe(2);
    expect(missing.body.error.code).toBe('unreadable');
  });

  it('validate exits 1 on errors (a cycle) and 0 on warnings only', () => {
    expect(run(['validate'], { cwd: repo }).code).toBe(0);
    const dir = tempDir('queue-cycle-');
    writeFileSync(join(dir, 'WORK_QUEUE.md'), '| Status | Story | Depends On |\n|---|---|---|\n| [ ] | A | B |\n| [ ] | B | A |\n');
    const r = json(['validate'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.body.valid).toBe(false);
    expect(r.body.diagnostics.map((d: { code: string }) => d.code)).toEqual(['cycle']);
  });

  it("validate shows each column taken by content; queue.config.json's statuses reach ready, list and claim", () => {
    const dir = tempDir('queue-vocabulary-');
    spawnSync('git', ['init', '-q'], { cwd: dir });
    writeFileSync(join(dir, 'WORK_QUEUE.md'), '| Component | Status |\n|---|---|\n| Billing | ✅ Done |\n| Search | Parked-ish |\n| Mobile | Mulling |\n');
    const before = run(['validate'], { cwd: dir });
    expect(before.stdout).toContain('WORK_QUEUE.md:1:1: info column_role column 1 ("Component") taken as title: header "Component" unknown');
    expect(before.stdout).toContain('queue.config.json "statuses"');
    expect(json(['ready'], { cwd: dir }).body.stories).toEqual([]);
    writeFileSync(join(dir, 'queue.config.json'), JSON.stringify({ statuses: { Mulling: 'todo', 'Parked-ish': 'blocked' } }));
    const ready = json(['ready'], { cwd: dir }).body.stories.map((s: { id: string }) => s.id);
    expect(ready).toEqual(['queue/mobile']);
    const claim = run(['claim', ready[0], '--no-commit', '--agent', 'Dev 1'], { cwd: dir });
    expect(claim.code, claim.stderr).toBe(0);
    expect(json(['ready'], { cwd: dir }).body.stories).toEqual([]);
    writeFileSync(join(dir, 'queue.config.json'), JSON.stringify({ statuses: { Mulling: 'later' } }));
    const bad = run(['list'], { cwd: dir });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('"statuses.Mulling" must be one of todo, blocked, in_progress, review, done, cancelled');
  });

  it('graph renders mermaid, dot and json', () => {
    expect(run(['graph'], { cwd: repo }).stdout).toMatch(/^graph TD\n[\s\S]*s0 --> s1/);
    const dot = run(['graph', '--format', 'dot'], { cwd: repo }).stdout;
    expect(dot).toContain('"A" -> "B";');
    // One line break per label, as Graphviz reads it (`\n` in a quoted string), never a literal backslash.
    expect(dot).toMatch(/"A" \[label="A\\n[^"\\]*",/);
    const g = json(['graph', '--format', 'json'], { cwd: repo }).body;
    // C is in progress: still open work, so it is scheduled in the first wave beside B.
    expect(g.waves).toEqual([['B', 'C'], ['D']]);
    expect(g.criticalPath).toHaveLength(2);
    expect(g.criticalPath[1]).toBe('D');
  });

  it.skipIf(withoutCorpus('ready on real rgrid versions through the CLI'))('ready and list on real rgrid versions: the done-when examples', () => {
    const ids = (f: string) =>
      json(['ready', '--file', join(RGRID, f)])
        .body.stories.map((s: { id: string }) => s.id)
        .sort();
    expect(ids('01-0889c72.md')).toEqual(['2-4', '6-1']);
    expect(ids('48-97ff9ea.md')).toEqual(['STAGE-10', 'STAGE-3', 'STAGE-4', 'STAGE-5', 'STAGE-6', 'STAGE-7', 'STAGE-8', 'STAGE-9']);
  });

  it('human output aligns by display width and has no color with NO_COLOR', () => {
    const dir = tempDir('queue-width-');
    writeFileSync(join(dir, 'WORK_QUEUE.md'), '| Status | Story | Description |\n|---|---|---|\n| ✅ | **A** | 完了した |\n| [ ] | **BB** | plain |\n');
    const out = run(['list'], { cwd: dir }).stdout;
    expect(out).not.toMatch(/\x1b\[/);
    const lines = out.split('\n');
    // Columns line up on screen: the TITLE column starts at the same display column on every row.
    const col = (l: string) => [...l.slice(0, l.search(/完了した|plain|TITLE/))].reduce((w, ch) => w + (/[\u1100-\uFFFF\u{1F300}-\u{1FAFF}]/u.test(ch) ? 2 : 1), 0);
    expect(new Set(lines.slice(0, 3).map(col)).size).toBe(1);
    const colored = run(['list'], { cwd: dir, env: { NO_COLOR: '', FORCE_COLOR: '1' } }).stdout;
    expect(colored).toMatch(/\x1b\[/);
  });

  it('gives exactly one clean JSON document for every queue fixture: list, ready, blocked and validate', () => {
    for (const file of fixtureFiles()) {
      for (const command of ['list', 'ready', 'blocked']) {
        const r = json([command, '--file', file]);
        expect([r.code, r.stderr], `${command} ${file}`).toEqual([0, '']);
        expect(Array.isArray(r.body.stories), `${command} ${file}`).toBe(true);
      }
      // validate exits 1 on a file with errors (conflict markers) and 0 otherwise; its JSON says which.
      const v = json(['validate', '--file', file]);
      expect([v.code, v.stderr], file).toEqual([v.body.valid ? 0 : 1, '']);
    }
    // 64 processes one after another: a loaded 2-core machine took over a minute once.
  }, 240_000);

  it.skipIf(withoutCorpus('one clean JSON document for real queue files (../shared/corpus)'))('gives exactly one clean JSON document for every real queue file', () => {
    for (const f of [
      'sna4ever__rgrid__WORK_QUEUE.md',
      'murphsicles__zeta__WORK_QUEUE.md',
      'Sevcavhub__north-africa-toe-builder__WORK_QUEUE.md',
      'ArchonMegalon__chummer5a__WORK_QUEUE.md',
    ]) {
      const r = json(['list', '--file', join(REAL, f)]);
      expect(r.code).toBe(0);
      expect(Array.isArray(r.body.stories)).toBe(true);
    }
  });

  it('render without a queue file says it cannot read it, with no stack trace; plan refuses more agents than it plans for', () => {
    const empty = tempDir('queue-cli-empty-');
    spawnSync('git', ['init', '-q'], { cwd: empty });
    for (const args of [['render'], ['render', '--check']]) {
      const r = run(args, { cwd: empty });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('cannot read queue file');
      expect(r.stderr).toContain('no such file (check --file, or create one with queue init)');
      expect(r.stderr).not.toMatch(/internal|\n\s+at /);
    }
    const dir = run(['ready', '--file', '.'], { cwd: empty });
    expect(dir.code).toBe(2);
    expect(dir.stderr).toMatch(/is a directory, not a queue file \[unreadable\]/);
    const plan = run(['plan', '--agents', '99999999'], { cwd: repo });
    expect(plan.code).toBe(2);
    expect(plan.stderr).toContain('at most 1000');
  });
});
