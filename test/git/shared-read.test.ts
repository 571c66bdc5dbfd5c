/**
 * Reads see the shared branch: a clone behind its remote is not offered stories others hold, and
 * when it reads its own working file it says the shared branch is ahead. Real git: a bare remote and
 * two clones.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, queue, setup } from './repos.js';

const QUEUE = '| Status | Story | Description | Depends On |\n|---|---|---|---|\n| [ ] | **S-1** | one | None |\n| [ ] | **S-2** | two | None |\n';
const ids = (r: { json: { stories: Array<{ id: string }> } }) => r.json.stories.map((s) => s.id);
const codes = (r: { json: { diagnostics: Array<{ code: string }> } }) => r.json.diagnostics.map((d) => d.code);

describe('reads see the shared branch', () => {
  it('ready, list and show read the fetched tip in a clean clone that is behind; --offline and local changes read the working file and say it is behind', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': QUEUE }, 2);
    const [here, there] = clones;
    expect((await queue(there, ['claim', 'S-1', '--agent', 'Dev 2', '--json'])).code).toBe(0);

    // This clone has not pulled: its working file still says S-1 is open.
    const ready = await queue(here, ['ready', '--json']);
    expect(ids(ready)).toEqual(['S-2']);
    expect(codes(ready)).toEqual([]);
    expect((await queue(here, ['show', 'S-1', '--json'])).json.story.claimant).toBe('Dev 2');
    expect((await queue(here, ['list', '--status', 'in_progress', '--json'])).json.stories.map((s: { id: string }) => s.id)).toEqual(['S-1']);
    // The working file and the branch are as they were: a read moves nothing but the remote-tracking ref.
    expect(git(here, 'status', '--porcelain')).toBe('');
    expect(git(here, 'rev-parse', 'HEAD')).not.toBe(git(remote, 'rev-parse', 'main'));

    // Offline: the working file, and a warning, since the last fetch saw S-1 claimed.
    const offline = await queue(here, ['ready', '--offline', '--json']);
    expect(ids(offline)).toEqual(['S-1', 'S-2']);
    expect(codes(offline)).toEqual(['behind_remote']);
    // People are told too, on stderr, before the answer; the answer itself stays on stdout.
    for (const args of [['ready'], ['list'], ['blocked'], ['show', 'S-1']]) {
      const text = await queue(here, [...args, '--offline']);
      expect(text.code).toBe(0);
      expect(text.stderr).toMatch(/^WORK_QUEUE\.md:1:1: warning behind_remote .*pull/);
      expect(text.stderr.trim().split('\n')).toHaveLength(1);
    }

    // A local change to the file: the working file is read, saying that writes will not see it, and
    // the same warning.
    writeFileSync(join(here, 'WORK_QUEUE.md'), QUEUE.replace('| two |', '| two, edited |'));
    const edited = await queue(here, ['ready', '--json']);
    expect(ids(edited)).toEqual(['S-1', 'S-2']);
    expect(codes(edited)).toEqual(['local_changes', 'behind_remote']);
    expect((await queue(here, ['ready'])).stderr).toMatch(
      /^WORK_QUEUE\.md:1:1: warning local_changes read the working file, which has changes not committed: claim, done and release decide on origin\/main, which lacks them\n/,
    );
    git(here, 'checkout', '--', 'WORK_QUEUE.md');
    // Up to date with the shared branch, a local edit (the holder's claim undone by hand) is still
    // said to be local: ready offers S-1, which a claim, deciding on the shared branch, refuses.
    git(here, 'pull', '-q', '--ff-only');
    writeFileSync(join(here, 'WORK_QUEUE.md'), QUEUE);
    const undone = await queue(here, ['ready', '--json']);
    expect([ids(undone), codes(undone)]).toEqual([['S-1', 'S-2'], ['local_changes']]);
    git(here, 'checkout', '--', 'WORK_QUEUE.md');

    // The remote gone: the last fetched tip, with a warning that says so.
    renameSync(remote, `${remote}.away`);
    const away = await queue(here, ['ready', '--json']);
    expect(ids(away)).toEqual(['S-2']);
    expect(codes(away)).toEqual(['fetch_failed']);
    expect((await queue(here, ['ready'])).stderr).toMatch(/^WORK_QUEUE\.md:1:1: warning fetch_failed could not fetch origin\/main/);
    renameSync(`${remote}.away`, remote);
  }, 60_000);

  it('a file with merge conflict markers offers no story (none can be claimed) and says why', async () => {
    const conflicted = `${QUEUE}<<<<<<< HEAD\n| [ ] | **S-3** | three | None |\n=======\n| [DONE] | **S-3** | three | None |\n>>>>>>> theirs\n`;
    const { clones } = setup({ 'WORK_QUEUE.md': conflicted }, 1);
    const ready = await queue(clones[0], ['ready', '--json']);
    expect(ids(ready)).toEqual([]);
    expect(codes(ready)).toContain('conflict');
    const text = await queue(clones[0], ['ready']);
    expect(text.stdout).toBe('');
    expect(text.stderr).toMatch(/^WORK_QUEUE\.md:5:1: error conflict merge conflict marker "<<<<<<<"/);
    expect((await queue(clones[0], ['claim', 'S-1', '--agent', 'Dev 1', '--json'])).json.error.code).toBe('parse_error');
  }, 60_000);
});
