/**
 * `queue mcp`: a Model Context Protocol server over stdio, on the core API. Its tools are the
 * commands an agent needs in its loop, with the CLI's argument names, and answer with the CLI's
 * `--json` documents as text; a refusal is a tool error (`isError`) whose text is the JSON error
 * document, its `code`, `message` and details, plus `fix`: what to do about it.
 *
 * The tool set is small on purpose (every tool's schema is in an agent's context for the whole
 * session): `ready`, `show`, `claim`, `done`, `release`, `block`, `add`, `handoff`; and one prompt,
 * `work`, the instructions of `queue prompt`.
 *
 * The server is long-lived: it keeps the parsed queue ({@link LiveQueue}) and parses again only
 * when the bytes of the shared tip (or the working file) changed, and it opens its write session
 * (repository, config, shared branch, agent) once. Writes are the core operations, each one git
 * transaction, exactly as `queue claim` and the rest carry them out.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  GetPromptRequestSchema,
  type GetPromptResult,
  ListPromptsRequestSchema,
  ListToolsRequestSchema,
  McpError,
  type Prompt,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { failureOf } from '../app/failure.js';
import { LiveQueue } from '../app/open.js';
import { offered } from '../app/index-cache.js';
import { loadConfig } from '../app/locate.js';
import { add, block, claim, done, handoff, openSession, release, resultJson, type Session, type WriteResult } from '../app/operations.js';
import { buildPrompt, promptAgent } from '../app/prompt.js';
import { showStory } from '../app/show.js';
import { QueueError } from '../domain/errors.js';
import { diagnosticJson, storyJson } from '../model/contract.js';
import { claimLimitOf, rankPlanning, rankReady, readyNotOffered } from '../model/rank.js';

/** Where the server's queue is and who acts: `queue mcp`'s `-C`, `--file`, `--offline` and `--agent`. */
export interface McpOptions {
  cwd?: string;
  file?: string;
  /** Read the working file without fetching (writes still go to the shared branch). */
  offline?: boolean;
  /** The acting agent; default `QUEUE_AGENT`, then `git config queue.agent`. */
  agent?: string;
}

const id = { type: 'string', description: 'story id' } as const;
const obj = (properties: Record<string, object>, required: string[] = []): Tool['inputSchema'] => ({
  type: 'object',
  properties,
  ...(required.length ? { required } : {}),
  additionalProperties: false,
});

/** The tools, each with a one-line description and the JSON schema of its arguments. */
export const TOOLS: Tool[] = [
  {
    name: 'ready',
    description: 'Stories that can be claimed now, best first.',
    inputSchema: obj({
      limit: { type: 'integer', minimum: 1, description: 'at most this many' },
      planning: { type: 'boolean', description: 'stories that need decomposition instead (planning work: claim them by id)' },
    }),
  },
  { name: 'show', description: 'One story in full: dependencies, dependents, checklist, handoffs.', inputSchema: obj({ id }, ['id']) },
  { name: 'claim', description: 'Claim a story before working on it (without id: the best ready one for you).', inputSchema: obj({ id }) },
  { name: 'done', description: 'Mark a story you hold done; the stories it releases are unblocked.', inputSchema: obj({ id }, ['id']) },
  { name: 'release', description: 'Give a story you hold back, unfinished.', inputSchema: obj({ id }, ['id']) },
  {
    name: 'block',
    description: 'Put a hold on a story you are stuck on, with the reason.',
    inputSchema: obj({ id, reason: { type: 'string', description: 'what it waits for (one line)' } }, ['id', 'reason']),
  },
  {
    name: 'add',
    description: 'Add a new story to the queue.',
    inputSchema: obj(
      {
        id: { type: 'string', description: "the new story's id; omit it for the next of its table's ids (S-13 after S-12)" },
        title: { type: 'string' },
        deps: { type: 'array', items: { type: 'string' }, description: 'ids it depends on' },
        parent: { type: 'string', description: 'the id of the story it is part of' },
      },
      ['title'],
    ),
  },
  {
    name: 'handoff',
    description: 'Leave notes for whoever takes a story over; reassign also hands them your claim.',
    inputSchema: obj(
      {
        id,
        to: { type: 'string', description: 'the agent taking over' },
        notes: { type: 'string', description: 'what is done, what is left, which files' },
        reassign: { type: 'boolean' },
      },
      ['id', 'to'],
    ),
  },
];

/** The fix for a write refused because the server knows no agent name. */
const NO_AGENT =
  "this server was started without an agent name, so it cannot write: restart it as queue mcp --agent NAME (in the MCP client's configuration), or with QUEUE_AGENT set in its environment; reads need none";

/** What to do about each refusal, for an agent that reads the tool error. */
const FIX: Partial<Record<string, string>> = {
  already_claimed: 'another agent holds it: take another story (claim without id, or ready)',
  not_ready: 'its dependencies are not done or it is held: show it, or take another story',
  no_ready_story: 'nothing can be taken now: stop, or try again later',
  claim_limit: 'finish (done), hand over (handoff) or release the story you hold first',
  not_claimant: 'only the agent holding the story may do this: claim it first, or leave it',
  not_found: 'no such story: ready lists the ids',
  usage: 'fix the arguments as the message says (the tool’s schema lists them)',
  invalid: 'the request cannot be carried out as asked: read the message',
  parse_error: 'the queue file needs a person (conflict markers or a story written twice): tell one, and stop',
  rule_violation: 'the change breaks a claim rule: do not retry it',
  conflict_retries_exhausted: 'the shared branch kept moving: try again',
  locked: 'another queue process in this clone held the lock: try again; if none runs, remove the lock directory the error names',
  git: 'a git command failed: check the clone and its remote',
};

type Args = Record<string, unknown>;

function str(args: Args, name: string, required: true): string;
function str(args: Args, name: string, required?: false): string | undefined;
function str(args: Args, name: string, required = false): string | undefined {
  const v = args[name];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || v.trim() === '') throw new QueueError('usage', `${name} must be a non-empty string`);
  return v;
}

/** The queue behind one server: the parsed queue kept between calls, and the write session, opened on first write. */
class QueueTools {
  private readonly live: LiveQueue;
  private session: Promise<Session> | null = null;

  constructor(private readonly opts: McpOptions) {
    this.live = new LiveQueue({ cwd: opts.cwd, file: opts.file, offline: opts.offline });
  }

  private open(): Promise<Session> {
    if (!this.session) {
      this.session = openSession({ cwd: this.opts.cwd, file: this.opts.file, agent: this.opts.agent });
      // A failed open (no agent named) is not kept: the error is the answer to this call only.
      this.session.catch(() => (this.session = null));
    }
    return this.session;
  }

  private async write(op: (s: Session) => Promise<WriteResult>): Promise<Record<string, unknown>> {
    return resultJson(await op(await this.open()));
  }

  /** `queue prompt [id]` for the server's agent, on the queue kept open. */
  async prompt(id: string | undefined): Promise<string> {
    const agent = await promptAgent({ cwd: this.opts.cwd, file: this.opts.file }, this.opts.agent);
    return (await buildPrompt(await this.live.get(true), { id, agent })).markdown;
  }

  /** Answer tool `name` with `args`: the `--json` document, or a thrown error. */
  async call(name: string, args: Args): Promise<Record<string, unknown>> {
    const known = TOOLS.find((t) => t.name === name);
    if (!known) throw new QueueError('usage', `unknown tool "${name}" (${TOOLS.map((t) => t.name).join(', ')})`);
    const allowed = Object.keys(known.inputSchema.properties ?? {});
    const stray = Object.keys(args).filter((k) => !allowed.includes(k));
    if (stray.length) throw new QueueError('usage', `${name} takes ${allowed.join(', ') || 'no arguments'}, not ${stray.join(', ')}`);
    switch (name) {
      case 'ready': {
        const limit = args.limit;
        if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)) throw new QueueError('usage', 'limit must be a positive integer');
        const planning = args.planning;
        if (planning !== undefined && typeof planning !== 'boolean') throw new QueueError('usage', 'planning must be true or false');
        const q = await this.live.get();
        const agent = this.opts.agent ?? process.env.QUEUE_AGENT;
        const config = loadConfig(q.root).config;
        // An agent holding its share takes nothing (`claim` says claim_limit), as `queue ready --agent` says.
        const atLimit = planning ? null : claimLimitOf(q.stories, agent, config);
        const ranked = atLimit ? [] : offered(planning ? rankPlanning(q.graph, agent, config.agents) : rankReady(q.graph, agent, config.agents), q.diagnostics);
        const stories = ranked.slice(0, (limit as number | undefined) ?? Infinity);
        return {
          stories: stories.map((s) => ({ ...storyJson(s, q.graph), ...(planning ? { needsDecomposition: true } : {}) })),
          ...(planning ? {} : { aside: atLimit ? [] : offered(readyNotOffered(q.graph), q.diagnostics).map((s) => s.id), atLimit }),
          diagnostics: q.diagnostics.map(diagnosticJson),
        };
      }
      case 'show':
        return showStory(await this.live.get(true), str(args, 'id', true)).json;
      case 'claim':
        return this.write((s) => claim(s, { id: str(args, 'id'), indexed: true }));
      case 'done':
        return this.write((s) => done(s, { id: str(args, 'id', true), indexed: true }));
      case 'release':
        return this.write((s) => release(s, { id: str(args, 'id', true) }));
      case 'block':
        return this.write((s) => block(s, { id: str(args, 'id', true), reason: str(args, 'reason', true), indexed: true }));
      case 'add': {
        const deps = args.deps;
        if (deps !== undefined && !(Array.isArray(deps) && deps.every((d) => typeof d === 'string'))) throw new QueueError('usage', 'deps must be a list of story ids');
        return this.write((s) => add(s, { id: str(args, 'id'), title: str(args, 'title', true), deps: deps as string[] | undefined, parent: str(args, 'parent') }));
      }
      case 'handoff': {
        const reassign = args.reassign;
        if (reassign !== undefined && typeof reassign !== 'boolean') throw new QueueError('usage', 'reassign must be true or false');
        return this.write((s) => handoff(s, { story: str(args, 'id', true), to: str(args, 'to', true), notes: str(args, 'notes'), reassign: reassign === true }));
      }
    }
    throw new QueueError('usage', `unknown tool "${name}"`);
  }
}

/** A tool's answer: the JSON document as text, or the error document with `isError`. */
async function answer(tools: QueueTools, name: string, args: Args): Promise<CallToolResult> {
  try {
    const body = await tools.call(name, args);
    return { content: [{ type: 'text', text: JSON.stringify({ schemaVersion: 1, ...body }) }] };
  } catch (e) {
    return { content: [{ type: 'text', text: JSON.stringify({ schemaVersion: 1, error: errorJson(e) }) }], isError: true };
  }
}

/** The error document of a failure (`code`, `message`, its details) with what to do about it (`fix`). */
function errorJson(e: unknown): { code: string; message: string; fix?: string } & Record<string, unknown> {
  const f = failureOf(e);
  // No agent named anywhere is the server's start, not the call's arguments.
  const fix = f.details.missing === 'agent' ? NO_AGENT : FIX[f.code];
  return { code: f.code, message: f.message, ...f.details, ...(fix ? { fix } : {}) };
}

/** The one prompt: `queue prompt`'s instructions, which clients offer as a command (`/mcp__queue__work`). */
export const PROMPTS: Prompt[] = [
  {
    name: 'work',
    description: 'Instructions to work the next story of the queue (or story id): rules, loop, story file, handoffs.',
    arguments: [{ name: 'id', description: 'story id (default: the one claim would pick)', required: false }],
  },
];

const INSTRUCTIONS =
  'A shared work queue (WORK_QUEUE.md in git). Claim a story before working on it; when finished call done; ' +
  'before your context runs out, handoff (with notes); when stuck, block with a reason. Results are JSON; errors carry code and fix.';

/** An MCP server for the queue `opts` names (not yet connected to a transport). */
export function createMcpServer(opts: McpOptions, version: string): { server: Server; idle: () => Promise<void> } {
  const tools = new QueueTools(opts);
  const server = new Server({ name: 'queue', version }, { capabilities: { tools: {}, prompts: {} }, instructions: INSTRUCTIONS });
  const running = new Set<Promise<unknown>>();
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: TOOLS }));
  server.setRequestHandler(ListPromptsRequestSchema, async () => ({ prompts: PROMPTS }));
  server.setRequestHandler(GetPromptRequestSchema, async (req): Promise<GetPromptResult> => {
    try {
      if (req.params.name !== 'work') throw new QueueError('usage', `unknown prompt "${req.params.name}" (work)`);
      const id = req.params.arguments?.id?.trim() || undefined;
      const text = await tools.prompt(id);
      return { description: 'How to work the queue', messages: [{ role: 'user', content: { type: 'text', text } }] };
    } catch (e) {
      // A prompt has no error result of its own: a JSON-RPC error, invalid params for what the
      // request named wrong, with the queue error (code, details, fix) as its data.
      const data = errorJson(e);
      const rpc = data.code === 'usage' || data.code === 'not_found' ? ErrorCode.InvalidParams : ErrorCode.InternalError;
      throw new McpError(rpc, `${data.message} [${data.code}]`, data);
    }
  });
  server.setRequestHandler(CallToolRequestSchema, async (req) => {
    const p = answer(tools, req.params.name, (req.params.arguments ?? {}) as Args);
    running.add(p);
    try {
      return await p;
    } finally {
      running.delete(p);
    }
  });
  return { server, idle: async () => void (await Promise.allSettled([...running])) };
}

/**
 * Serve the queue over stdio until the client closes stdin; a write in flight then is finished
 * before this returns. Nothing but the protocol is written on stdout.
 */
export async function serveStdio(opts: McpOptions, version: string): Promise<void> {
  const { server, idle } = createMcpServer(opts, version);
  const closed = new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
    server.onclose = resolve;
  });
  await server.connect(new StdioServerTransport());
  await closed;
  await idle();
  await server.close();
}
