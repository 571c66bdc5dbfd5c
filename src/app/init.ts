/**
 * `queue init`: what a team needs to start a queue in an existing git repository: a WORK_QUEUE.md in the table format with its generated blocks
 * and one example story, `queue.config.json`, the stories and deployment directories, the agents'
 * instructions in AGENTS.md (and CLAUDE.md where there is one) between `<!-- queue:agents -->`
 * markers, `logs/run/` in .gitignore, and on request the MCP entry of the agent tools it finds.
 *
 * It never overwrites: a file that exists is kept (the step says so), instructions already between
 * their markers are left as they are, and a second init changes nothing. With `commit`, what it
 * wrote is committed on the current branch (nothing is pushed), so that `queue claim` has a
 * committed queue to work from; a file that had uncommitted changes before init is left out of
 * that commit, and so is everything else in the index.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CONFIG_FILE, type QueueConfig } from '../domain/config.js';
import { QueueError } from '../domain/errors.js';
import { writablePath } from './files.js';
import { loadConfig } from './locate.js';
import { code, inlineMarkdown } from '../markdown/generate.js';

/** Options of {@link initQueue}. */
export interface InitOptions {
  /** Also write the MCP server entry (`.mcp.json`, and `.cursor/mcp.json` where `.cursor/` exists). */
  mcp?: boolean;
  /** Commit the files written, as one commit `queue: init` on the current branch (never pushed). */
  commit?: boolean;
}

/** One step of an init: the path concerned and what was done to it. */
export interface InitStep {
  /** Path relative to the repository root (`/` separators); a directory ends with `/`. */
  path: string;
  /** `created`: written new; `appended`: added to an existing file; `kept`: there already, left as it is. */
  action: 'created' | 'appended' | 'kept';
  /** Why a step was kept, or what was added. */
  note?: string;
}

/** What {@link initQueue} did, step by step. */
export interface InitResult {
  root: string;
  steps: InitStep[];
  /** With `commit`: the commit made (full id), or null with `uncommitted` saying why there is none. */
  commit?: string | null;
  /** Why nothing was committed (nothing written, or git refused: its message), when `commit` was asked. */
  uncommitted?: string;
  /** True when git refused the commit (the files are written). */
  commitFailed?: boolean;
}

/** The markers around the agents' instructions in AGENTS.md and CLAUDE.md. */
export const AGENTS_MARKERS = ['<!-- queue:agents -->', '<!-- /queue:agents -->'] as const;

/** The directory `queue run` writes its logs to, kept out of git. */
export const RUN_LOGS = 'logs/run/';

const EXAMPLE_ID = '1-1';
const EXAMPLE_FILE = 'stories/1-1-example.md';

/** The queue file a new repository starts with: one example story, the generated blocks still empty (rendered before writing). */
function queueTemplate(storiesDir: string): string {
  const storyFile = EXAMPLE_FILE.replace(/^stories\//, `${storiesDir}/`);
  return [
    '# Work Queue',
    '',
    'The stories of this project and what each depends on. Agents take them with `queue claim` and',
    'finish them with `queue done` (see AGENTS.md); `queue ready` lists what can be taken now.',
    '',
    '## Available Stories',
    '',
    '<!-- queue:ready -->',
    '<!-- /queue:ready -->',
    '',
    '## Progress',
    '',
    '<!-- queue:progress -->',
    '<!-- /queue:progress -->',
    '',
    '## Dependency Graph',
    '',
    '<!-- queue:graph -->',
    '<!-- /queue:graph -->',
    '',
    '## Sprint 1',
    '',
    '| Status | Story | Description | Depends On | Story File |',
    '|--------|-------|-------------|------------|------------|',
    // The row is the format the reader knows word for word (`[ ]` unescaped); the path a code span
    // the serializer writes (a backtick in it stays inside the span).
    `| [ ] | **${EXAMPLE_ID}** | Example story: replace it with the first story of this project | None | ${inlineMarkdown(code(storyFile))} |`,
    '',
    '## Claiming Rules',
    '',
    '1. **Only claim ready stories**: `queue ready` lists them; `queue claim ID` takes one as a commit.',
    '2. **Never edit a status by hand**: `queue done`, `queue release`, `queue block` and `queue handoff` do it.',
    '3. **Hold one story at a time** (`maxClaims` in queue.config.json).',
    '',
  ].join('\n');
}

const STORY_TEMPLATE = [
  `# ${EXAMPLE_ID}: Example story`,
  '',
  'What this story delivers, and why. Replace this file with your first story; `queue add --id ID',
  '--title TITLE --story-file` creates the next ones.',
  '',
  '## Acceptance',
  '',
  '- What must be true when it is done.',
  '',
].join('\n');

const CONFIG_TEMPLATE = `${JSON.stringify({ file: 'WORK_QUEUE.md', lease: '2h', maxClaims: 1 }, null, 2)}\n`;

/** The agents' instructions, between their markers. */
export function agentInstructions(file: string): string {
  return [
    AGENTS_MARKERS[0],
    '## Work queue',
    '',
    `The work of this repository is planned in ${inlineMarkdown(code(file))} and shared through git: several agents take`,
    'stories from it at once. Use the `queue` command (package `workqueue.md`), never edit statuses by hand.',
    'Name yourself once per clone: `git config queue.agent "NAME"` (or `QUEUE_AGENT`, or `--agent NAME`).',
    '',
    '1. `queue prompt` shows the story to take next, with its story file, handoffs and the rules here.',
    '2. `queue claim --json` claims it (exactly one agent wins a story; on `already_claimed` take another).',
    '3. Work on it; when it is finished, `queue done ID --json`.',
    '4. Before your context runs out, `queue handoff --story ID --to NEXT --notes "…"` (add `--reassign` to pass the claim).',
    '5. When stuck, `queue block ID --reason "…"` and take another story.',
    '',
    'With MCP (`queue mcp`), the tools `ready`, `claim`, `done`, `handoff` and `block` do the same.',
    AGENTS_MARKERS[1],
    '',
  ].join('\n');
}

/** The MCP server entry `init --mcp` writes: `queue mcp` through npx, acting as the clone's `queue.agent`. */
export const MCP_ENTRY = { command: 'npx', args: ['-y', 'workqueue.md', 'mcp'] };

/**
 * Set up a queue in the git work tree at `root` (its top level). Returns each step; writes only what
 * is missing. Throws QueueError `usage` when `root` holds no `.git`, `invalid` for an invalid
 * existing queue.config.json.
 */
export async function initQueue(root: string, opts: InitOptions = {}): Promise<InitResult> {
  if (!existsSync(join(root, '.git'))) throw new QueueError('usage', `${root} is not the top of a git work tree: run git init first`);
  const steps: InitStep[] = [];
  // Files with changes of their own before init are not committed by it: those changes are the user's.
  const dirtyBefore = opts.commit ? await dirtyPaths(root) : new Set<string>();
  const hadConfig = existsSync(join(root, CONFIG_FILE));
  const { config } = loadConfig(root);

  // Every path init may write, checked before anything is written: a committed symbolic link on the
  // way to one of them that leads outside the work tree refuses the whole init (QueueError `invalid`).
  const storiesDir = `${config.storiesDir}/`;
  const targets = [
    config.file,
    CONFIG_FILE,
    storiesDir,
    ...['status', 'handoffs', 'decisions'].map((sub) => `${config.deploymentDir}/${sub}/README.md`),
    'AGENTS.md',
    'CLAUDE.md',
    '.gitignore',
  ];
  if (opts.mcp) targets.push('.mcp.json', '.cursor/mcp.json');
  for (const t of targets) writablePath(root, t.replace(/\/$/, ''));

  const file = (path: string, content: () => string | Promise<string>) => writeNew(root, path, content, steps);
  await file(config.file, () => renderedQueue(config));
  if (!hadConfig) await file(CONFIG_FILE, () => CONFIG_TEMPLATE);
  else steps.push({ path: CONFIG_FILE, action: 'kept' });
  const storyFile = `${config.storiesDir}/${EXAMPLE_FILE.slice('stories/'.length)}`;
  // The example's story file only beside the example queue this init wrote.
  if (steps[0].action === 'created') await file(storyFile, () => STORY_TEMPLATE);
  else dir(root, `${config.storiesDir}/`, steps);
  for (const sub of ['status', 'handoffs', 'decisions']) {
    const d = `${config.deploymentDir}/${sub}`;
    // An empty directory is not in git: a README keeps it, and says what goes there.
    if (existsSync(join(root, d))) steps.push({ path: `${d}/`, action: 'kept' });
    else await file(`${d}/README.md`, () => `${DEPLOYMENT_READMES[sub]}\n`);
  }

  appendBlock(root, 'AGENTS.md', agentInstructions(config.file), true, steps);
  appendBlock(root, 'CLAUDE.md', agentInstructions(config.file), false, steps);
  appendLine(root, '.gitignore', RUN_LOGS, steps);

  if (opts.mcp) {
    const cursor = existsSync(join(root, '.cursor'));
    const claude = existsSync(join(root, '.claude')) || existsSync(join(root, 'CLAUDE.md')) || existsSync(join(root, '.mcp.json'));
    if (claude || !cursor) mcpEntry(root, '.mcp.json', steps);
    if (cursor) mcpEntry(root, '.cursor/mcp.json', steps);
  }
  if (!opts.commit) return { root, steps };
  return { root, steps, ...(await commitSteps(root, steps, dirtyBefore)) };
}

/** Paths (relative, `/` separators) with changes in the index or the work tree, untracked ones included. */
async function dirtyPaths(root: string): Promise<Set<string>> {
  const { Git } = await import('../git/git.js');
  const out = await new Git(root).raw(['status', '--porcelain=v1', '-z', '--untracked-files=all']).catch(() => '');
  const paths = new Set<string>();
  const fields = out.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    if (f.length < 4) continue;
    paths.add(f.slice(3));
    // A rename or copy is followed by its source path.
    if (f[0] === 'R' || f[0] === 'C') i++;
  }
  return paths;
}

/** Commit the files `steps` created or appended to (not those dirty before), and nothing else. */
async function commitSteps(root: string, steps: InitStep[], dirtyBefore: Set<string>): Promise<Pick<InitResult, 'commit' | 'uncommitted' | 'commitFailed'>> {
  const { Git } = await import('../git/git.js');
  const paths = steps.filter((s) => s.action !== 'kept' && !s.path.endsWith('/') && !dirtyBefore.has(s.path)).map((s) => s.path);
  if (paths.length === 0)
    return {
      commit: null,
      uncommitted: steps.some((s) => s.action !== 'kept')
        ? 'the files init changed had changes of their own: commit them yourself'
        : 'init wrote nothing that is not already there',
    };
  const git = new Git(root);
  try {
    await git.raw(['add', '--', ...paths]);
    // --only: the commit holds these paths alone, whatever else the index has staged.
    await git.raw(['commit', '-q', '--only', '-m', 'queue: init', '--', ...paths]);
    return { commit: await git.line(['rev-parse', 'HEAD']) };
  } catch (e) {
    const why = (e as Error).message.split('\n').find((l) => l.trim() !== '') ?? 'git commit failed';
    return { commit: null, uncommitted: why, commitFailed: true };
  }
}

const DEPLOYMENT_READMES: Record<string, string> = {
  status: '# Status\n\n`current-status.md` here is the status board: one section per agent (`queue render` keeps it in step with the claims).',
  handoffs: '# Handoffs\n\nOne file per handoff, written by `queue handoff` and `queue done --handoff`, for whoever takes a story over.',
  decisions: '# Decisions\n\nOne record per decision: `NNNN-title.md` with its date, status, context, decision and consequences.',
};

/** The queue template with its generated blocks rendered, so that `queue render --check` finds nothing to do. */
async function renderedQueue(config: QueueConfig): Promise<string> {
  const [{ readQueue }, { renderDecision }, { applyRender }] = await Promise.all([import('../read/queue.js'), import('../reconcile/reconcile.js'), import('./render.js')]);
  const text = queueTemplate(config.storiesDir);
  const queue = await readQueue([{ file: config.file, text }]);
  const d = renderDecision(queue, 'queue');
  if (d.unchanged) return text;
  return (await applyRender(queue, d, config)).content;
}

async function writeNew(root: string, path: string, content: () => string | Promise<string>, steps: InitStep[]): Promise<void> {
  const abs = join(root, path);
  if (existsSync(abs)) {
    steps.push({ path, action: 'kept' });
    return;
  }
  const text = await content();
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, text, { flag: 'wx' });
  steps.push({ path, action: 'created' });
}

function dir(root: string, path: string, steps: InitStep[]): void {
  const abs = join(root, path);
  if (existsSync(abs)) steps.push({ path, action: 'kept' });
  else {
    mkdirSync(abs, { recursive: true });
    steps.push({ path, action: 'created' });
  }
}

function readIf(abs: string): string | null {
  try {
    return statSync(abs).isFile() ? readFileSync(abs, 'utf8') : null;
  } catch {
    return null;
  }
}

/** `block` appended to `path` unless its opening marker is there already; the file is created when `create`. */
function appendBlock(root: string, path: string, block: string, create: boolean, steps: InitStep[]): void {
  const abs = join(root, path);
  const old = readIf(abs);
  if (old === null) {
    if (!create) return;
    writeFileSync(abs, `# Agents\n\n${block}`, { flag: 'wx' });
    steps.push({ path, action: 'created' });
    return;
  }
  if (old.includes(AGENTS_MARKERS[0])) {
    const closed = old.indexOf(AGENTS_MARKERS[1], old.indexOf(AGENTS_MARKERS[0])) !== -1;
    steps.push({
      path,
      action: 'kept',
      note: closed
        ? 'the queue instructions are there already'
        : `its ${AGENTS_MARKERS[0]} has no ${AGENTS_MARKERS[1]} after it: close the block (or remove the opening marker and run queue init again)`,
    });
    return;
  }
  const eol = eolOf(old);
  const sep = old === '' ? '' : old.endsWith(eol + eol) ? '' : old.endsWith('\n') ? eol : eol + eol;
  writeFileSync(abs, `${old}${sep}${block.replaceAll('\n', eol)}`);
  steps.push({ path, action: 'appended', note: 'the queue instructions' });
}

/** The line ending a file's text uses: CRLF when its first line ends so, else LF. */
function eolOf(text: string): string {
  const i = text.indexOf('\n');
  return i > 0 && text[i - 1] === '\r' ? '\r\n' : '\n';
}

/** `line` added to `path` (created when absent) unless a line of it says so already. */
function appendLine(root: string, path: string, line: string, steps: InitStep[]): void {
  const abs = join(root, path);
  const old = readIf(abs);
  const bare = line.replace(/^\/|\/$/g, '');
  if (old?.split(/\r?\n/).some((l) => l.trim().replace(/^\/|\/$/g, '') === bare)) {
    steps.push({ path, action: 'kept', note: `${line} is ignored already` });
    return;
  }
  if (old === null) writeFileSync(abs, `${line}\n`, { flag: 'wx' });
  else {
    const eol = eolOf(old);
    writeFileSync(abs, `${old}${old === '' || old.endsWith('\n') ? '' : eol}${line}${eol}`);
  }
  steps.push({ path, action: old === null ? 'created' : 'appended', note: line });
}

/** The `queue` entry under `mcpServers` of the JSON config at `path`: created, added, or kept (an entry there already, or a file that does not parse). */
function mcpEntry(root: string, path: string, steps: InitStep[]): void {
  const abs = join(root, path);
  const old = readIf(abs);
  if (old === null) {
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, `${JSON.stringify({ mcpServers: { queue: MCP_ENTRY } }, null, 2)}\n`, { flag: 'wx' });
    steps.push({ path, action: 'created' });
    return;
  }
  let data: unknown;
  try {
    data = JSON.parse(old);
  } catch {
    steps.push({ path, action: 'kept', note: 'it is not JSON queue can read: add the queue server by hand (docs/agents.md)' });
    return;
  }
  const servers = (data as { mcpServers?: unknown })?.mcpServers;
  if (typeof data !== 'object' || data === null || Array.isArray(data) || (servers !== undefined && (typeof servers !== 'object' || servers === null || Array.isArray(servers)))) {
    steps.push({ path, action: 'kept', note: 'its mcpServers is not an object: add the queue server by hand (docs/agents.md)' });
    return;
  }
  if (servers && 'queue' in servers) {
    steps.push({ path, action: 'kept', note: 'it has a queue server already' });
    return;
  }
  // Written as the file was: on one line when it was one line, else with its indent and line ending.
  const oneLine = !old.trim().includes('\n');
  const indent = oneLine ? undefined : (/^[ \t]+/m.exec(old)?.[0] ?? '  ');
  const eol = eolOf(old);
  const next = { ...(data as object), mcpServers: { ...((servers as object) ?? {}), queue: MCP_ENTRY } };
  writeFileSync(abs, `${JSON.stringify(next, null, indent).replaceAll('\n', eol)}${eol}`);
  steps.push({ path, action: 'appended', note: 'the queue server under mcpServers' });
}
