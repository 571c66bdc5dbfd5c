import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readQueue, type Queue } from '../../src/read/queue.js';
import { diffQueues } from '../../src/history/events.js';
import { read, RGRID, rgridVersions, withoutCorpus } from '../helpers.js';

const q = (text: string) => readQueue([{ file: 'WORK_QUEUE.md', text }]);
const head = '| Status | Story | Description | Depends On |\n|---|---|---|---|\n';

describe('events of one change', () => {
  it('classifies every transition', async () => {
    const before = await q(
      head +
        [
          '| [ ] | **A** | a | None |',
          '| [IN PROGRESS: X] | **B** | b | None |',
          '| [BLOCKED] | **C** | c | A |',
          '| [DONE] | **D** | d | None |',
          '| [IN PROGRESS: X] | **E** | e | None |',
          '| [ ] | **F** | f | None |',
          '| [ ] | **G** | g | None |',
        ].join('\n'),
    );
    const after = await q(
      head +
        [
          '| [IN PROGRESS: Y] | **A** | a | None |',
          '| [DONE] | **B** | b | None |',
          '| [ ] | **C** | c | A |',
          '| [ ] | **D** | d | None |',
          '| [IN PROGRESS: Z] | **E** | e | None |',
          '| [BLOCKED: keys] | **F** | f changed | None, A |',
          '| [ ] | **H** | h | None |',
        ].join('\n'),
    );
    expect(diffQueues(before, after).map((e) => `${e.kind} ${e.story}`)).toEqual([
      'claim A',
      'done B',
      'unblock C',
      'reopen D',
      'claim E',
      'block F',
      'dependency F',
      'edit F',
      'add H',
      'remove G',
    ]);
  });
});

describe.skipIf(withoutCorpus('events of the rgrid history against its commit messages'))('events of the rgrid history match what each commit message says', () => {
  it('"Mark Story X complete, unblock Y, Z" is done X + unblock Y, Z', async () => {
    const versions = rgridVersions();
    const subjects = readFileSync(join(RGRID, 'COMMITS.tsv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t')[3]);
    let prev: Queue | null = null;
    let checked = 0;
    for (let i = 0; i < versions.length; i++) {
      const cur = await q(read(versions[i]));
      if (prev) {
        const list = diffQueues(prev, cur);
        // A story that first appears already done (STAB-3 in version 24) was marked done by that commit.
        const events = list.map((e) => (e.kind === 'add' && /DONE/.test(e.to ?? '') ? `done ${e.story}` : `${e.kind} ${e.story}`));
        const done = /^(?:Mark (?:Story )?(\S+) (?:complete|done)|Update WORK_QUEUE\.md: Mark (\S+) as DONE)/.exec(subjects[i]);
        if (done) {
          expect(events, subjects[i]).toContain(`done ${done[1] ?? done[2]}`);
          checked++;
        }
        const unblock = /unblock ([\w-]+(?:, [\w-]+)*)/.exec(subjects[i]);
        if (unblock) for (const id of unblock[1].split(', ')) expect(events, subjects[i]).toContain(`unblock ${id}`);
        if (/Claim/.test(subjects[i]))
          expect(
            events.filter((e) => e.startsWith('claim')),
            subjects[i],
          ).not.toEqual([]);
      }
      prev = cur;
    }
    expect(checked).toBeGreaterThan(20);
  });
});
