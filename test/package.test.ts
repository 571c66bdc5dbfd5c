/**
 * The npm package as a user gets it: `npm pack` of this repository (after `npm run build`; the pack
 * skips its prepack build so the dist/ other tests run stays put), installed with
 * `npm i -g --prefix` into a scratch prefix from the tarball, and run from there: the `queue` bin,
 * `queue mcp` (the MCP SDK bundled), the library entry and its types, and the GitHub workflow that the
 * installed queue writes.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from './helpers.js';
import { git } from './git/repos.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const windows = process.platform === 'win32';
// npm's commands are .cmd files on Windows, which only a shell starts.
const npm = (cwd: string, args: string[]): string => execFileSync('npm', args, { cwd, encoding: 'utf8', shell: windows, stdio: ['ignore', 'pipe', 'pipe'] });
const TABLE = [
  '# Q',
  '',
  '| Status | Story | Description | Depends On |',
  '|---|---|---|---|',
  '| [DONE] | **A** | First | None |',
  '| [ ] | **B** | Second | A |',
  '| [ ] | **C** | Third | B |',
  '| [ ] | **D** | Fourth | None |',
  '',
].join('\n');

/** A git repository `repo` under `dir`, committing as Dev 1, with TABLE as its (uncommitted) WORK_QUEUE.md. */
function queueRepo(dir: string): string {
  const repo = join(dir, 'repo');
  mkdirSync(repo);
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'config', 'user.name', 'Dev 1');
  git(repo, 'config', 'user.email', 'dev1@example.com');
  writeFileSync(join(repo, 'WORK_QUEUE.md'), TABLE);
  return repo;
}

describe('the npm package', () => {
  it('packs dist/ and docs only, installs with npm, and runs as `queue`, as an MCP server and as a library', async () => {
    const dir = tempDir('queue-package-');

    const [packed] = JSON.parse(npm(ROOT, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir])) as { filename: string; files: { path: string }[] }[];
    const files = packed.files.map((f) => f.path);
    const stray = files.filter((f) => !/^(dist\/|docs\/|README\.md$|LICENSE$|CHANGELOG\.md$|package\.json$)/.test(f));
    expect(stray).toEqual([]);
    for (const f of ['dist/queue.js', 'dist/index.js', 'dist/types/index.d.ts', 'LICENSE', 'README.md']) expect(files).toContain(f);
    const tarball = join(dir, packed.filename);

    const prefix = join(dir, 'prefix');
    npm(dir, ['i', '-g', '--prefix', prefix, tarball, '--no-audit', '--no-fund', '--prefer-offline']);
    const bin = windows ? join(prefix, 'queue.cmd') : join(prefix, 'bin', 'queue');
    const lib = windows ? prefix : join(prefix, 'lib');
    const run = (args: string[], cwd = dir): SpawnSyncReturns<string> => spawnSync(bin, args, { cwd, encoding: 'utf8', shell: windows });

    const version = run(['--version']);
    expect(version.stderr).toBe('');
    expect(version.stdout).toBe(`${pkg.version}\n`);

    const repo = queueRepo(dir);
    git(repo, 'add', 'WORK_QUEUE.md');
    git(repo, 'commit', '-q', '-m', 'seed');
    const ready = run(['ready', '--json', '-C', repo]);
    expect(ready.status, ready.stderr).toBe(0);
    const answer = JSON.parse(ready.stdout) as { schemaVersion: number; stories: { id: string; ready: boolean }[]; diagnostics: unknown[] };
    expect(answer.schemaVersion).toBe(1);
    // B unblocks C, so it ranks before D; C waits on B; A is done.
    expect(answer.stories.map((s) => s.id)).toEqual(['B', 'D']);
    expect(answer.stories.every((s) => s.ready)).toBe(true);
    expect(answer.diagnostics).toEqual([]);

    // `queue mcp` from the installed package: the MCP SDK is bundled into it, not a dependency.
    if (!windows) {
      const client = new Client({ name: 'package-test', version: '1.0.0' });
      await client.connect(new StdioClientTransport({ command: bin, args: ['mcp', '--agent', 'Dev 1'], cwd: repo, stderr: 'pipe' }));
      try {
        expect((await client.listTools()).tools.map((t) => t.name)).toContain('claim');
        const r = await client.callTool({ name: 'ready', arguments: {} });
        expect(JSON.parse((r.content as Array<{ text: string }>)[0].text).stories.map((s: { id: string }) => s.id)).toEqual(['B', 'D']);
      } finally {
        await client.close();
      }
    }

    // The library entry, resolved by name from the prefix's node_modules, as a dependent would.
    const script =
      "const m = await import('workqueue.md'); const q = await m.openQueue({ cwd: process.argv[1] }); console.log(JSON.stringify({ openQueue: typeof m.openQueue, stories: q.stories.map((s) => s.id) }));";
    const imported = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script, repo], { cwd: lib, encoding: 'utf8' }));
    expect(imported).toEqual({ openQueue: 'function', stories: ['A', 'B', 'C', 'D'] });

    // Its types, checked strictly (no skipLibCheck) by this repository's TypeScript, as a dependent's build would.
    writeFileSync(join(lib, 'package.json'), '{ "type": "module", "private": true }\n');
    writeFileSync(
      join(lib, 'consumer.ts'),
      [
        "import { openQueue, QueueError, type Story } from 'workqueue.md';",
        'const q = await openQueue({ cwd: process.argv[2] });',
        'const first: Story | undefined = q.stories[0];',
        'export const id: string | undefined = first?.id;',
        'export const refused = (e: unknown): boolean => e instanceof QueueError;',
        '',
      ].join('\n'),
    );
    const tsconfig = {
      compilerOptions: {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        typeRoots: [join(ROOT, 'node_modules', '@types')],
        types: ['node'],
      },
      files: ['consumer.ts'],
    };
    writeFileSync(join(lib, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', lib], { cwd: lib, encoding: 'utf8' });
    expect(tsc.status, tsc.stdout).toBe(0);
  }, 240_000);

  it('writes a GitHub workflow whose command runs this package at its version', () => {
    const dir = tempDir('queue-package-workflow-');
    const [packed] = JSON.parse(npm(ROOT, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir])) as { filename: string }[];
    const repo = queueRepo(dir);
    // The repository has the package installed as a dependency at that version, so npx takes it from
    // there (as it would from the registry once it is published there) and the workflow's line runs as written.
    writeFileSync(join(repo, 'package.json'), '{ "private": true }\n');
    writeFileSync(join(repo, '.gitignore'), 'node_modules/\n');
    npm(repo, ['i', '--no-save', join(dir, packed.filename), '--no-audit', '--no-fund', '--prefer-offline']);
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'seed');

    const prefix = join(dir, 'prefix');
    npm(dir, ['i', '-g', '--prefix', prefix, join(dir, packed.filename), '--no-audit', '--no-fund', '--prefer-offline']);
    const bin = windows ? join(prefix, 'queue.cmd') : join(prefix, 'bin', 'queue');
    const wrote = spawnSync(bin, ['hooks', 'install', '--github-action', '-C', repo], { encoding: 'utf8', shell: windows });
    expect(wrote.status, wrote.stderr).toBe(0);
    const workflow = join(repo, '.github', 'workflows', 'queue-validate.yml');
    expect(existsSync(workflow)).toBe(true);
    const lines = readFileSync(workflow, 'utf8').split('\n');
    const command = lines.find((l) => l.includes(' validate --range '))?.trim() ?? '';
    expect(command).toContain(`${pkg.name}@${pkg.version}`);
    if (windows) return;

    // The workflow's own line, in sh as a GitHub runner runs it: it passes the seed and refuses a
    // commit that claims C, which waits on B.
    const validate = (range: string) => spawnSync('sh', ['-c', command], { cwd: repo, encoding: 'utf8', env: { ...process.env, range } });
    const ok = validate('HEAD');
    expect(ok.status, `${ok.stdout}${ok.stderr}`).toBe(0);
    writeFileSync(join(repo, 'WORK_QUEUE.md'), TABLE.replace('| [ ] | **C**', '| [IN PROGRESS: Dev 1] | **C**'));
    git(repo, 'commit', '-q', '-am', 'claim C');
    const refused = validate('HEAD~1..HEAD');
    expect(refused.status).toBe(1);
    expect(`${refused.stdout}${refused.stderr}`).toContain('claim_not_ready');
  }, 240_000);
});
