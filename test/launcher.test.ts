/**
 * dist/queue.js is its own launcher (scripts/build.mjs): sh moves NODE_EXTRA_CA_CERTS aside so node
 * starts without parsing that CA bundle, and the CLI puts it back for every process it starts.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './helpers.js';
import { BIN, queue, setup } from './git/repos.js';

const TABLE = '# Q\n\n| Status | Story | Description | Depends On |\n|---|---|---|---|\n| [ ] | **A** | First | None |\n';

describe('the launcher', () => {
  it('starts node without NODE_EXTRA_CA_CERTS, with the value kept aside and every argument intact', () => {
    const dir = tempDir('queue-launch-');
    const fake = join(dir, 'fake-node');
    // Stands in for node: prints what it was started with.
    writeFileSync(
      fake,
      '#!/bin/sh\nprintf "extra=%s\\nkept=%s\\n" "${NODE_EXTRA_CA_CERTS-unset}" "${QUEUE_EXTRA_CA_CERTS-unset}"\nfor a in "$@"; do printf "arg=%s\\n" "$a"; done\n',
    );
    chmodSync(fake, 0o755);
    const run = (env: Record<string, string | undefined>) =>
      execFileSync(BIN, ['claim', 'two words', "it's"], { encoding: 'utf8', env: { ...process.env, QUEUE_NODE: fake, ...env } });
    expect(run({ NODE_EXTRA_CA_CERTS: '/etc/corp ca.pem' })).toBe(`extra=unset\nkept=/etc/corp ca.pem\narg=${BIN}\narg=claim\narg=two words\narg=it's\n`);
    const { NODE_EXTRA_CA_CERTS: _, ...without } = process.env;
    expect(execFileSync(BIN, ['ready'], { encoding: 'utf8', env: { ...without, QUEUE_NODE: fake } })).toBe(`extra=unset\nkept=unset\narg=${BIN}\narg=ready\n`);
  });

  it('gives the git processes queue starts the NODE_EXTRA_CA_CERTS the user set, and nothing of its own', async () => {
    const s = setup({ 'WORK_QUEUE.md': TABLE }, 1);
    // A file:// push runs the remote's hooks in git's environment, so the hook sees what git saw.
    const seen = join(s.dir, 'seen');
    const hook = join(s.remote, 'hooks', 'pre-receive');
    writeFileSync(hook, `#!/bin/sh\nprintf "%s|%s" "\${NODE_EXTRA_CA_CERTS-unset}" "\${QUEUE_EXTRA_CA_CERTS-unset}" > '${seen}'\n`);
    chmodSync(hook, 0o755);
    const r = await queue(s.clones[0], ['claim', 'A', '--agent', 'Dev 1', '--json'], { NODE_EXTRA_CA_CERTS: '/etc/corp-ca.pem' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.story.claimant).toBe('Dev 1');
    expect(readFileSync(seen, 'utf8')).toBe('/etc/corp-ca.pem|unset');
  });
});
