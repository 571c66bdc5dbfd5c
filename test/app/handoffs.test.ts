/** `app/handoff-files.ts`: which handoff files are for which story (real files). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { handoffsNaming } from '../../src/app/handoff-files.js';
import { readQueue } from '../../src/read/queue.js';
import { tempDir } from '../helpers.js';

describe('handoffsNaming', () => {
  it('a handoff whose `story` names the story in another case is for it; one naming another story is not, whatever its text says', async () => {
    const root = tempDir('queue-handoffs-');
    const dir = join(root, 'deployment', 'handoffs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '1-keys.md'), '---\nfrom_agent: X\nto_agent: Y\nstory: s-2\n---\nThe keys are in the vault.\n');
    writeFileSync(join(dir, '2-other.md'), '---\nfrom_agent: X\nto_agent: Y\nstory: S-3\n---\nS-2 will need this too.\n');
    writeFileSync(join(dir, '3-free.md'), '---\nfrom_agent: X\nto_agent: Y\n---\nFor S-2: the schema moved.\n');
    const text = '| Status | Story | Description | Depends On |\n|---|---|---|---|\n| [DONE] | S-1 | a | None |\n| [ ] | S-2 | b | S-1 |\n| [ ] | S-3 | c | None |\n';
    const queue = await readQueue([{ file: 'WORK_QUEUE.md', text }]);
    const files = async (id: string) => (await handoffsNaming(root, 'deployment', id, queue)).map((h) => h.file).sort();
    expect(await files('S-2')).toEqual(['deployment/handoffs/1-keys.md', 'deployment/handoffs/3-free.md']);
    expect(await files('S-3')).toEqual(['deployment/handoffs/2-other.md']);
  });
});
