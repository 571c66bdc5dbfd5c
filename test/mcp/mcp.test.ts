/**
 * `queue mcp` as an agent's MCP client reaches it: the SDK's own client starts the built `queue mcp`
 * as a child process over stdio, in clones of a real bare remote, and runs the agent loop (ready →
 * claim → show → done) through it; two servers in two clones race for one story and exactly one wins,
 * the other getting `already_claimed` as a tool error. The long-lived server's queue
 * (`LiveQueue`) parses again only when the shared tip changed.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveQueue } from '../../src/app/open.js';
import { BIN, git, queue, remoteFile, setup } from '../git/repos.js';

const QUEUE = [
  '# Work Queue',
  '',
  '## Sprint 1',
  '',
  '| Status | Story | Description | Depends On |',
  '|--------|-------|-------------|------------|',
  '| [DONE] | **1-1** | Database schema | None |',
  '| [ ] | **1-2** | REST API skeleton | 1-1 |',
  '| [BLOCKED] | **1-3** | Login page | 1-2 |',
  '| [ ] | **1-4** | Docs | None |',
  '',
].join('\n');

const clients: Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
});

/** An MCP client connected to `queue mcp --agent <agent>` (null: no agent named) started in `cwd`. */
async function connect(cwd: string, agent: string | null): Promise<Client> {
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === 'string'));
  delete env.QUEUE_AGENT;
  const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp', ...(agent === null ? [] : ['--agent', agent])], cwd, env, stderr: 'pipe' });
  const client = new Client({ name: 'queue-test', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  return client;
}

interface Answer {
  isError: boolean;
  json: any;
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<Answer> {
  const r = await client.callTool({ name, arguments: args });
  const content = r.content as Array<{ type: string; text: string }>;
  expect(content).toHaveLength(1);
  expect(content[0].type).toBe('text');
  return { isError: r.isError === true, json: JSON.parse(content[0].text) };
}

describe('queue mcp', () => {
  it('lists a small tool set (under 8 KB) and runs the agent loop against a real remote: ready → claim → show → done', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': QUEUE }, 1);
    const client = await connect(clones[0], 'Dev 1');

    const listed = await client.listTools();
    expect(listed.tools.map((t) => t.name)).toEqual(['ready', 'show', 'claim', 'done', 'release', 'block', 'add', 'handoff']);
    for (const t of listed.tools) {
      expect(t.description?.split('\n')).toHaveLength(1);
      expect(t.inputSchema.type).toBe('object');
    }
    // The whole tools/list answer, as it travels.
    expect(Buffer.byteLength(JSON.stringify(listed))).toBeLessThan(8 * 1024);

    const ready = await call(client, 'ready', { limit: 5 });
    expect(ready.isError).toBe(false);
    expect(ready.json.schemaVersion).toBe(1);
    // 1-2 releases 1-3, so it ranks first; the same answer as `queue ready --json`.
    expect(ready.json.stories.map((s: { id: string }) => s.id)).toEqual(['1-2', '1-4']);
    const cli = await queue(clones[0], ['ready', '--json', '--limit', '5']);
    expect(ready.json).toEqual(cli.json);

    // The prompt `work` is `queue prompt`'s text for this agent: the story claim would pick.
    const prompt = await client.getPrompt({ name: 'work' });
    const text = (prompt.messages[0].content as { text: string }).text;
    expect(text).toContain('## Your story: 1-2 — REST API skeleton');
    expect(text).toBe((await queue(clones[0], ['prompt', '--agent', 'Dev 1'])).stdout);
    // An id that names no story: invalid params, with the queue error as the data.
    const missing = await client.getPrompt({ name: 'work', arguments: { id: 'nope' } }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: -32602, data: { code: 'not_found', id: 'nope', fix: expect.stringContaining('ready lists the ids') } });
    expect((missing as Error).message).toMatch(/no story "nope" in WORK_QUEUE\.md \[not_found\]$/);
    expect((await call(client, 'show', { id: 'nope' })).json.error.message).toBe('no story "nope" in WORK_QUEUE.md');

    const claimed = await call(client, 'claim');
    expect(claimed.isError, JSON.stringify(claimed.json)).toBe(false);
    expect(claimed.json.story).toMatchObject({ id: '1-2', status: 'in_progress', claimant: 'Dev 1' });
    expect(claimed.json.commit).toBe(git(remote, 'rev-parse', 'main').trim());
    expect(remoteFile(remote)).toContain('| [IN PROGRESS: Dev 1] | **1-2** |');
    // Holding its share, the agent is offered nothing a claim would refuse, and told why.
    const full = await call(client, 'ready');
    expect([full.json.stories, full.json.atLimit]).toEqual([[], { held: ['1-2'], limit: 1 }]);
    expect(full.json).toEqual((await queue(clones[0], ['ready', '--agent', 'Dev 1', '--json'])).json);

    const shown = await call(client, 'show', { id: '1-2' });
    expect(shown.isError).toBe(false);
    expect(shown.json.story).toMatchObject({ id: '1-2', status: 'in_progress', claimant: 'Dev 1', dependents: ['1-3'] });
    expect(shown.json).toEqual((await queue(clones[0], ['show', '1-2', '--json'])).json);

    const finished = await call(client, 'done', { id: '1-2' });
    expect(finished.isError, JSON.stringify(finished.json)).toBe(false);
    expect(finished.json.story).toMatchObject({ id: '1-2', status: 'done' });
    expect(finished.json.unblocked).toEqual(['1-3']);
    const file = remoteFile(remote);
    expect(file).toContain('| [DONE] | **1-2** |');
    expect(file).toContain('| [ ] | **1-3** |');

    // A refusal is a tool error carrying the code, the details and the fix.
    const refused = await call(client, 'release', { id: '1-4' });
    expect(refused.isError).toBe(true);
    expect(refused.json.error.code).toBe('not_claimant');
    expect(refused.json.error.fix).toMatch(/claim it first/);
    const bad = await call(client, 'block', { id: '1-4' });
    expect(bad.isError).toBe(true);
    expect(bad.json.error.code).toBe('usage');
  }, 60_000);

  it('a queue with merge conflict markers: ready offers nothing (nothing in it can be claimed), and says why', async () => {
    const conflicted = `${QUEUE}<<<<<<< HEAD\n| [ ] | **1-5** | e | None |\n=======\n| [DONE] | **1-5** | e | None |\n>>>>>>> theirs\n`;
    const { clones } = setup({ 'WORK_QUEUE.md': conflicted }, 1);
    const client = await connect(clones[0], 'Dev 1');
    const ready = await call(client, 'ready');
    expect(ready.isError).toBe(false);
    expect(ready.json.stories).toEqual([]);
    expect(ready.json.diagnostics.map((d: { code: string }) => d.code)).toContain('conflict');
    expect((await call(client, 'claim', { id: '1-4' })).json.error.code).toBe('parse_error');
  });

  it('a server started without an agent name reads, and refuses writes with a fix that says how to start it', async () => {
    const { clones } = setup({ 'WORK_QUEUE.md': QUEUE }, 1);
    const client = await connect(clones[0], null);
    expect((await call(client, 'ready')).json.stories.map((x: { id: string }) => x.id)).toEqual(['1-2', '1-4']);
    const refused = await call(client, 'claim', { id: '1-4' });
    expect(refused.isError).toBe(true);
    expect(refused.json.error).toMatchObject({
      code: 'usage',
      missing: 'agent',
      fix: expect.stringMatching(/^this server was started without an agent name.*queue mcp --agent NAME/),
    });
  });

  it('two servers in two clones claim one story: exactly one wins, the other gets already_claimed as a tool error', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': QUEUE }, 2);
    const [a, b] = await Promise.all([connect(clones[0], 'Dev 1'), connect(clones[1], 'Dev 2')]);
    const answers = await Promise.all([call(a, 'claim', { id: '1-4' }), call(b, 'claim', { id: '1-4' })]);
    const won = answers.filter((r) => !r.isError);
    const lost = answers.filter((r) => r.isError);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const winner = won[0].json.story.claimant;
    expect(['Dev 1', 'Dev 2']).toContain(winner);
    expect(lost[0].json.error).toMatchObject({ code: 'already_claimed', id: '1-4', holder: winner });
    expect(lost[0].json.error.fix).toBeTruthy();
    expect(remoteFile(remote)).toContain(`| [IN PROGRESS: ${winner}] | **1-4** |`);

    // The one who lost sees the claim in its ready answer: 1-4 is no longer offered.
    const loser = winner === 'Dev 1' ? b : a;
    expect((await call(loser, 'ready')).json.stories.map((s: { id: string }) => s.id)).toEqual(['1-2']);
  }, 60_000);

  it('the server keeps the parsed queue and parses again only when the shared tip changed', async () => {
    const { clones } = setup({ 'WORK_QUEUE.md': QUEUE }, 2);
    const live = new LiveQueue({ cwd: clones[0] });
    const first = await live.get();
    await live.get();
    expect(live.parses).toBe(1);
    expect(first.graph.lookup('1-4')?.status.category).toBe('todo');
    expect((await queue(clones[1], ['claim', '1-4', '--agent', 'Dev 2', '--json'])).code).toBe(0);
    const after = await live.get();
    expect(live.parses).toBe(2);
    expect(after.graph.lookup('1-4')?.claimant).toBe('Dev 2');
  }, 60_000);
});
