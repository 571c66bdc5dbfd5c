import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RGRID, rgridVersions, tempDir, withoutCorpus } from '../helpers.js';
import { queue } from './repos.js';

/** The 48 rgrid versions as a real git history, one commit each with its original message and date. */
function rgridRepo(): string {
  const dir = tempDir('queue-rgrid-');
  const git = (args: string[], env: Record<string, string> = {}) => execFileSync('git', args, { cwd: dir, env: { ...process.env, ...env }, stdio: 'pipe' });
  git(['init', '-q', '-b', 'main']);
  git(['config', 'user.name', 'rgrid dev']);
  git(['config', 'user.email', 'dev@rgrid.example']);
  const rows = readFileSync(join(RGRID, 'COMMITS.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'));
  rgridVersions().forEach((file, i) => {
    copyFileSync(file, join(dir, 'WORK_QUEUE.md'));
    git(['add', 'WORK_QUEUE.md']);
    git(['commit', '-q', '--allow-empty', '-m', rows[i][3]], { GIT_AUTHOR_DATE: rows[i][2], GIT_COMMITTER_DATE: rows[i][2] });
  });
  return dir;
}

describe.skipIf(withoutCorpus('the rgrid history replayed through validate --range, log and diff'))('the rgrid history replayed through the rules', () => {
  it("validate --range prints every commit's events and refuses only what really broke a rule", async () => {
    const repo = rgridRepo();
    // The replay commits every version as one author, who is none of rgrid's agents: git cannot
    // tell who changed a claimed story, so not_holder (judged by identity) is off for it.
    writeFileSync(join(repo, 'queue.config.json'), '{"rules": {"not_holder": "off"}}\n');
    const r = await queue(repo, ['validate', '--range', 'HEAD', '--json']);
    expect(r.code).toBe(1);
    expect(r.json.commits).toHaveLength(48);
    const violations = r.json.commits.flatMap((c: any) => c.violations.map((v: any) => `${v.rule} ${v.story}`));
    // README "Replaying rgrid": five stories marked done without ever being claimed, and 10-3
    // claimed while its dependency 10-2 was still in progress.
    expect(violations).toEqual([
      'done_not_claimed 2-4',
      'done_not_claimed 10-6',
      'done_not_claimed 10-7',
      'done_not_claimed STAB-5',
      'done_not_claimed STAB-7',
      'claim_not_ready 10-3',
    ]);
    const byMessage = r.json.commits.find((c: any) => c.subject.startsWith('Mark Story 8-2 complete'));
    expect(byMessage.events.map((e: any) => `${e.kind} ${e.story}`)).toEqual(['done 8-2', 'claim 6-2', 'unblock 8-3']);
    const log = await queue(repo, ['log', '--story', '8-3', '--json']);
    expect(log.json.events.map((e: any) => e.kind)).toEqual(['add', 'unblock', 'claim', 'done']);
    const diff = await queue(repo, ['diff', 'HEAD~1', 'HEAD', '--json']);
    expect(diff.json.events.map((e: any) => `${e.kind} ${e.story}`)).toEqual(['done STAGE-2']);
  }, 60_000);
});
