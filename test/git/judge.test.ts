/**
 * The judge of a push (`git/history.ts` Judge) over a real repository: it keeps only the last
 * versions it read, so a push of many commits of a large queue file does not hold every version in
 * memory. Letting versions go changes no verdict: a judge that keeps the fewest possible judges a
 * range with merges exactly as one that keeps every version.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/domain/config.js';
import { Git } from '../../src/git/git.js';
import { Judge } from '../../src/git/history.js';
import { tempDir } from '../helpers.js';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const rows = (statuses: string[]) =>
  ['| Status | Story | Description | Depends On |', '|---|---|---|---|', ...statuses.map((st, i) => `| ${st} | **A-${i}** | story ${i} | ${i ? `A-${i - 1}` : 'None'} |`), ''].join(
    '\n',
  );

function commit(dir: string, who: string, statuses: string[], subject: string) {
  writeFileSync(join(dir, 'WORK_QUEUE.md'), rows(statuses));
  git(dir, 'add', '-A');
  git(dir, '-c', `user.name=${who}`, '-c', `user.email=${who}@example.com`, 'commit', '-q', '-m', subject);
}

describe('the judge of a push', () => {
  it('judges a range with a merge alike whether it keeps every version read or the fewest', async () => {
    const dir = tempDir('queue-judge-');
    git(dir, 'init', '-q', '-b', 'main');
    const s = ['[DONE]', '[IN PROGRESS: devA]', '[ ]', '[ ]', '[ ]'];
    commit(dir, 'devA', s, 'base');
    const base = git(dir, 'rev-parse', 'HEAD').trim();
    git(dir, 'checkout', '-q', '-b', 'side');
    commit(dir, 'mallory', ['[DONE]', '[DONE]', '[ ]', '[ ]', '[ ]'], 'mallory marks A-1 done');
    git(dir, 'checkout', '-q', 'main');
    for (let k = 0; k < 6; k++) commit(dir, 'devA', [...s.slice(0, 4), k % 2 ? '[ ]' : '[BLOCKED: waits]'], `edit ${k}`);
    git(dir, '-c', 'user.name=devA', '-c', 'user.email=deva@example.com', 'merge', '-q', '--no-edit', 'side');
    commit(dir, 'mallory', ['[DONE]', '[DONE]', '[IN PROGRESS: mallory]', '[IN PROGRESS: mallory]', '[ ]'], 'mallory claims two');
    const config = parseConfig('{"maxClaims": 1}').config;
    const kept: number[] = [];
    const verdicts = async (keptText?: number) => {
      const judge = new Judge(new Git(dir), { file: 'WORK_QUEUE.md', config, keptText });
      const judged = await judge.range(base, [`${base}..HEAD`]);
      kept.push(judge.versionsKept);
      return judged.map((c) => `${c.subject}: ${c.violations.map((v) => `${v.rule} ${v.story}`).join(', ')}`);
    };
    const all = await verdicts();
    expect(all.filter((v) => !v.endsWith(': '))).toEqual(['mallory marks A-1 done: not_holder A-1', 'mallory claims two: claim_not_ready A-3, claim_limit A-2']);
    expect(await verdicts(0)).toEqual(all);
    // Every distinct version of this small file is kept by default; the fewest are two.
    expect(kept[0]).toBeGreaterThan(2);
    expect(kept[1]).toBe(2);
  });
});
