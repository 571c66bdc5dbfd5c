/**
 * What an agent needs to work a story, as Markdown (`queue prompt`, the MCP server, a coordinator
 * that starts agents): the claiming rules as this repository's config and hooks enforce them, the
 * loop (claim → work → done, or a handoff before the context runs out, or a block with a reason),
 * and for one story everything written about it: its story file, its checklist, the handoffs
 * addressed to it, what the dependencies it waited on left behind, and the files those name.
 *
 * ```ts
 * const p = await buildPrompt({ cwd: '/work/clone' }, { agent: 'Dev 2' }); // the story claim would pick
 * p.story?.id;   // '5-3'
 * p.markdown;    // '# Working the queue as Dev 2\n…'
 * ```
 *
 * Nothing is written: choosing a story without an id picks it as `claim` would, without claiming.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { formatDuration, type QueueConfig } from '../domain/config.js';
import { QueueError } from '../domain/errors.js';
import { DEFAULT_SEVERITY, type RuleCode } from '../domain/rules.js';
import { isClaimed } from '../domain/status.js';
import type { Story } from '../domain/types.js';
import { storyJson, type StoryJson } from '../model/contract.js';
import { claimLimitOf, readyNotOffered } from '../model/rank.js';
import type { Handoff } from '../workspace/handoff.js';
import { readablePath } from './files.js';
import { loadConfig } from './locate.js';
import { openQueue, type OpenedQueue, type OpenOptions } from './open.js';

/** Options of {@link buildPrompt}. */
export interface PromptOptions {
  /** The story to prompt for; default the best ready story for `agent`, as `claim` would pick it. */
  id?: string;
  /** The agent the prompt addresses (used to pick the story and in the commands it shows). */
  agent?: string;
}

/** A handoff as a prompt shows it. */
export interface PromptHandoff {
  /** Path relative to the repository root. */
  file: string;
  from: string | null;
  to: string | null;
  timestamp: string | null;
  notes: string | null;
  nextSteps: string[];
  blockers: string[];
}

/** A done dependency of the story, with what its handoffs left. */
export interface PromptDependency {
  id: string;
  title: string;
  status: string;
  /** Who did it: its owner column, else its last claimant as written, else null. */
  by: string | null;
  storyFile: string | null;
  handoffs: PromptHandoff[];
}

/** The claiming rules as this repository sets them. */
export interface PromptRules {
  maxClaims: number;
  /** The lease, as the config writes it (`2h`). */
  lease: string;
  remote: string | null;
  branch: string | null;
  /** Claim rules that are not `error` (`queue.config.json` `rules`), with their severity. */
  relaxed: Partial<Record<RuleCode, 'warning' | 'off'>>;
  /** Whether queue's pre-commit and pre-push hooks are installed in this clone. */
  hooks: boolean;
}

/** What {@link buildPrompt} returns: the Markdown and the parts it was made of. */
export interface AgentPrompt {
  /** The instructions, as Markdown. */
  markdown: string;
  /** The agent addressed, or null when none was named. */
  agent: string | null;
  /** The story, as the JSON contract gives it; null when none was named and none is ready. */
  story: StoryJson | null;
  /** True when the story was picked (no id was given), as `claim` would pick it. */
  picked: boolean;
  /** With no story picked: the ids of ready stories `claim` takes only by id (check boxes beside
   * the file's main form, `model/rank.ts` readyNotOffered); else empty. */
  aside: string[];
  /** The story file's path (relative to the repository root) and text, when it has one that exists. */
  storyFile: { path: string; text: string } | null;
  /** The story's checklist (a heading story's acceptance boxes). */
  checklist: Array<{ text: string; done: boolean }>;
  /** The handoffs naming the story. */
  handoffs: PromptHandoff[];
  /** Its dependencies that are done, with the handoffs they left. */
  dependencies: PromptDependency[];
  /** Files named by the story file and those handoffs that exist in the repository, relative to its root. */
  files: string[];
  rules: PromptRules;
}

/** Story files and handoffs read into a prompt are cut at this many bytes. */
const MAX_TEXT = 64 * 1024;

/**
 * Build the instructions for `opts.agent` to work story `opts.id` (or, without an id: the story
 * the agent holds when it holds as many as `maxClaims` allows, else the best ready story for the
 * agent, picked as `claim` picks it, without claiming, else the story it holds) in the queue that
 * `source` names (options to open it with, or a queue already opened; its workspace is read when it was
 * not opened with `workspace: true`).
 * Reads the shared branch's tip like `queue ready` does. Throws QueueError `not_found` for an id
 * that names no story, `parse_error` for a file with conflict markers when picking.
 */
export async function buildPrompt(source: OpenOptions | OpenedQueue, opts: PromptOptions = {}): Promise<AgentPrompt> {
  const queue = 'graph' in source ? source : await openQueue({ ...source, workspace: true, shared: true });
  const root = queue.root;
  const { config } = loadConfig(root);
  if (!queue.workspace) {
    const { loadWorkspace } = await import('./workspace.js');
    queue.workspace = await loadWorkspace(root, queue, config.deploymentDir);
  }
  const agent = opts.agent?.trim() || null;
  const g = queue.graph;

  let story: Story | null = null;
  if (opts.id !== undefined) {
    story = g.lookup(opts.id) ?? null;
    if (!story) throw new QueueError('not_found', `no story "${opts.id}" in ${queue.documents[0]?.file ?? queue.path}`, { id: opts.id });
  } else {
    const { heldBy, pickStory } = await import('../edit/decide.js');
    const held = agent ? heldBy(queue, agent, config.agents) : [];
    // An agent at its claim limit can take nothing (`claim` says claim_limit): its work is the story it holds.
    if (claimLimitOf(queue.stories, agent, config)) story = held[0];
    else
      try {
        story = pickStory(queue, agent ?? '');
      } catch (e) {
        if (!(e instanceof QueueError) || e.code !== 'no_ready_story') throw e;
        // Nothing to take: the story the agent already holds, if any, is the one to work on.
        story = held[0] ?? null;
      }
  }

  const handoffs = queue.workspace?.handoffs ?? [];
  const naming = (id: string) => handoffs.filter((h) => h.stories.includes(id)).map(handoffOf);
  const storyFile = story ? readStoryFile(story, queue) : null;
  const own = story ? naming(story.id) : [];
  const dependencies: PromptDependency[] = story
    ? story.deps
        .filter((d) => d.id && g.satisfied(d))
        .flatMap((d) => {
          const dep = g.byId.get(d.id!);
          if (!dep) return [];
          return [{ id: dep.id, title: dep.title, status: dep.status.category, by: dep.owner ?? dep.status.claimant, storyFile: dep.storyFile, handoffs: naming(dep.id) }];
        })
    : [];
  const texts = [storyFile?.text ?? '', ...[...own, ...dependencies.flatMap((d) => d.handoffs)].map((h) => [h.notes ?? '', ...h.nextSteps, ...h.blockers].join('\n'))];
  for (const h of handoffs.filter((h) => story && (h.stories.includes(story.id) || dependencies.some((d) => h.stories.includes(d.id))))) {
    const artifacts = h.data.artifacts;
    if (Array.isArray(artifacts)) texts.push(artifacts.map(String).join('\n'));
  }
  const files = namedFiles(texts.join('\n'), root, storyFile?.path ?? null);
  const rules = await rulesOf(root, config);
  const prompt: Omit<AgentPrompt, 'markdown'> = {
    agent,
    story: story ? storyJson(story, g) : null,
    picked: opts.id === undefined && story !== null,
    aside: story === null ? readyNotOffered(g).map((x) => x.id) : [],
    storyFile,
    checklist: story ? story.checklist.map((c) => ({ text: c.text, done: c.done })) : [],
    handoffs: own,
    dependencies,
    files,
    rules,
  };
  return { markdown: render(prompt, story, queue, config), ...prompt };
}

function handoffOf(h: Handoff): PromptHandoff {
  return { file: h.file, from: h.fromAgent, to: h.toAgent, timestamp: h.timestamp, notes: h.notes, nextSteps: h.nextSteps, blockers: h.blockers };
}

/** The story's file, looked up beside the queue file, then at the repository root (as the reader's check does). */
function readStoryFile(story: Story, queue: OpenedQueue): { path: string; text: string } | null {
  if (!story.storyFile) return null;
  const f = story.storyFile.replace(/#.*$/, '').replace(/^`|`$/g, '');
  for (const p of [resolve(dirname(queue.path), f), resolve(queue.root, f)]) {
    const rel = relative(queue.root, p);
    // Only a file really inside the work tree: the cell, and any link it passes, are anyone's.
    const real = rel.startsWith('..') || isAbsolute(rel) ? null : readablePath(queue.root, p);
    if (!real) continue;
    try {
      const bytes = readFileSync(real);
      const text = bytes.subarray(0, MAX_TEXT).toString('utf8');
      return { path: rel.split('\\').join('/'), text: bytes.length > MAX_TEXT ? `${text}\n…(cut at ${MAX_TEXT} bytes)` : text };
    } catch {}
  }
  return null;
}

/** Paths written in `text` (`src/app/prompt.ts`, `docs/api.md`) that name files of the repository, in order of first mention. */
function namedFiles(text: string, root: string, except: string | null): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/(?:^|[\s`'"(<[])((?:\.\/)?[\w@.-]+(?:\/[\w@.-]+)*\.[A-Za-z0-9]+)(?=$|[\s`'")>\],;:])/gm)) {
    const p = m[1].replace(/^\.\//, '');
    if (p === except || p.includes('..') || out.has(p)) continue;
    if (readablePath(root, p)) out.add(p);
    if (out.size >= 50) break;
  }
  return [...out];
}

/** The claiming rules as this clone sees them: the config's limits, the shared branch, relaxed rules, installed hooks. */
async function rulesOf(root: string, config: QueueConfig): Promise<PromptRules> {
  const relaxed: PromptRules['relaxed'] = {};
  for (const [code, sev] of Object.entries(config.rules) as Array<[RuleCode, string]>) {
    if (sev !== 'error' && DEFAULT_SEVERITY[code] === 'error') relaxed[code] = sev as 'warning' | 'off';
  }
  let remote: string | null = null;
  let branch: string | null = null;
  let hooks = false;
  if (existsSync(join(root, '.git'))) {
    const { Git } = await import('../git/git.js');
    const git = new Git(root);
    const remotes = (await git.quiet(['remote']).catch(() => '')).split('\n').filter(Boolean);
    remote = config.remote === null ? null : (config.remote ?? (remotes.includes('origin') ? 'origin' : null));
    branch = config.branch ?? (remote ? (await git.line(['symbolic-ref', '--short', `refs/remotes/${remote}/HEAD`]).catch(() => '')).replace(`${remote}/`, '') : '') ?? null;
    if (!branch) branch = (await git.line(['symbolic-ref', '--short', 'HEAD']).catch(() => '')) || null;
    const dir = await git.line(['rev-parse', '--git-path', 'hooks']).catch(() => '');
    const hookFiles = [dir && join(isAbsolute(dir) ? dir : join(root, dir), 'pre-commit'), join(root, '.husky', 'pre-commit'), join(root, 'lefthook.yml')];
    hooks = hookFiles.some((f) => {
      try {
        return f !== '' && readFileSync(f, 'utf8').includes('hooks run pre-commit');
      } catch {
        return false;
      }
    });
  }
  return { maxClaims: config.maxClaims, lease: formatDuration(config.leaseMs), remote, branch, relaxed, hooks };
}

/** A fence longer than any run of backticks in `text`. */
function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

/** A shell word for `s` (double quotes when it needs any). */
function arg(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `"${s.replace(/(["\\$`])/g, '\\$1')}"`;
}

function render(p: Omit<AgentPrompt, 'markdown'>, story: Story | null, queue: OpenedQueue, config: QueueConfig): string {
  const out: string[] = [];
  const as = p.agent ? ` --agent ${arg(p.agent)}` : '';
  const id = story ? arg(story.id) : 'ID';
  const file = relative(queue.root, queue.path).split('\\').join('/') || queue.path;
  const where = p.rules.remote ? `the \`${p.rules.branch ?? 'shared'}\` branch of \`${p.rules.remote}\`` : `the \`${p.rules.branch ?? 'current'}\` branch (no remote)`;
  out.push(`# Working the queue${p.agent ? ` as ${p.agent}` : ''}`, '');
  out.push(
    `This repository's work is planned in \`${file}\`, shared through git on ${where}. Several agents take stories from it at once; ` +
      'the `queue` command is how you take, finish and hand over work, so that two agents never hold the same story.',
    '',
  );

  if (story && p.story) {
    const s = p.story;
    out.push(`## Your story: ${s.id} — ${s.title}`, '');
    const held = p.agent && s.claimant?.toLowerCase() === p.agent.toLowerCase();
    out.push(`- Status: \`${s.rawStatus || s.status}\` (${s.status}${s.ready ? ', ready to claim' : ''})${s.claimant ? `, held by ${s.claimant}` : ''}`);
    if (s.section) out.push(`- Section: ${s.section}`);
    const deps = story.deps.map((d) => `${d.id ?? d.ref}${queue.graph.satisfied(d) ? ' (done)' : ' (not done)'}`);
    out.push(`- Depends on: ${deps.length ? deps.join(', ') : 'nothing'}`);
    const dependents = queue.graph.dependents.get(story.id) ?? [];
    if (dependents.length) out.push(`- Waiting on it: ${dependents.join(', ')}`);
    if (story.storyFile) out.push(`- Story file: \`${p.storyFile?.path ?? story.storyFile}\`${p.storyFile ? '' : ' (not found)'}`);
    out.push('');
    if (held && s.status === 'review')
      out.push(`You hold ${s.id}, in review: it waits for a reviewer, not for you (your own done would be \`self_approve\`). Do not work on it unless it is sent back to you.`, '');
    else if (held) out.push(`You hold ${s.id}: work on it.`, '');
    else if (s.ready) out.push(`${p.picked ? 'This is the story `queue claim` would give you now. ' : ''}Claim it before you start: \`queue claim ${id}${as} --json\`.`, '');
    else if (isClaimed(story.status.category)) out.push(`${s.id} is held by ${s.claimant ?? 'another agent'}: do not work on it unless it is handed to you.`, '');
    else out.push(`${s.id} cannot be claimed now (\`queue show ${id}\` says why).`, '');

    if (p.storyFile) {
      const f = fence(p.storyFile.text);
      out.push(`### Story file \`${p.storyFile.path}\``, '', `${f}markdown`, p.storyFile.text.replace(/\s+$/, ''), f, '');
    }
    if (p.checklist.length) {
      out.push('### Checklist (what done means)', '');
      for (const c of p.checklist) out.push(`- [${c.done ? 'x' : ' '}] ${c.text}`);
      out.push('');
    }
    if (p.handoffs.length) {
      out.push('### Handoffs for this story', '');
      for (const h of p.handoffs) out.push(...handoffLines(h));
    }
    if (p.dependencies.length) {
      out.push('### What the stories it waited on left', '');
      for (const d of p.dependencies) {
        out.push(`#### ${d.id} — ${d.title} (${d.status}${d.by ? `, ${d.by}` : ''})`, '');
        if (d.storyFile) out.push(`Story file: \`${d.storyFile}\``, '');
        for (const h of d.handoffs) out.push(...handoffLines(h));
        if (!d.storyFile && !d.handoffs.length) out.push('No notes were left.', '');
      }
    }
    if (p.files.length) {
      out.push('### Files named above', '');
      for (const f of p.files) out.push(`- \`${f}\``);
      out.push('');
    }
  } else {
    out.push('## No story for you right now', '');
    if (p.aside.length)
      out.push(
        `No story is ready${p.agent ? ` for ${p.agent}` : ''} to be taken without an id. Ready beside the file's stories, and taken only by id, are check boxes (a checklist, perhaps): ${p.aside.map((x) => `\`${x}\``).join(', ')}. Take one (\`queue claim ID${as} --json\`) only if it is work meant for an agent; else stop.`,
        '',
      );
    else out.push(`No story is ready${p.agent ? ` for ${p.agent}` : ''}. \`queue blocked\` shows what waits on what; try \`queue claim${as} --json\` again later, or stop.`, '');
  }

  const holding = Boolean(story && p.agent && isClaimed(story.status.category) && story.claimant?.toLowerCase() === p.agent.toLowerCase());
  out.push('## The loop', '');
  out.push(
    (holding
      ? `1. **Claim**: you hold ${story!.id} already. After it, \`queue claim${as} --json\` takes the best ready story. `
      : `1. **Claim** a story before working on it: \`queue claim${story ? ` ${id}` : ''}${as} --json\` (without an id: the best ready one). `) +
      'A refusal says why in `error.code`: `already_claimed` (someone else won it: take another), `not_ready`, `claim_limit`, `no_ready_story` (stop).',
    '2. **Work** on it in this clone; commit and push your code as usual. Never edit status cells of the queue file by hand.',
    `3. **Done**: when its work is finished (and its checklist ticked), \`queue done ${id}${as} --json\`; the dependents it releases are unblocked in the same commit. Then claim the next one.`,
    `4. **Hand over** before your context runs out or when you must stop with the work unfinished: \`queue handoff --story ${id} --to NEXT --notes "what is done, what is left, which files"${as} --reassign\` ` +
      `(without \`--reassign\` the claim stays yours; \`queue release ${id}${as}\` gives it back instead).`,
    `5. **Block** when you are stuck on something outside the story: \`queue block ${id} --reason "what it waits for"${as}\`, then take another story.`,
    '',
  );

  out.push('## Claiming rules here', '');
  const r = p.rules;
  out.push(`- Hold at most ${r.maxClaims} ${r.maxClaims === 1 ? 'story' : 'stories'} at once (\`maxClaims\`); finish or release one before you claim another.`);
  out.push('- Claim only a ready story: every dependency done, no hold, nobody holding it. `queue ready` lists them best first.');
  out.push("- Change only the stories you hold: `done`, `release`, `review`, `block` on another agent's story are refused.");
  out.push(`- A claim is stale after ${r.lease} (\`lease\`): renew a long one with \`queue claim ${id} --renew${as}\`, or it may be released for others.`);
  out.push(
    `- Every \`queue\` write is a commit on ${where}, ${p.rules.remote ? 'decided on the fetched tip and pushed' : 'decided on the branch tip and committed'} as one transaction: of two agents claiming one story exactly one wins. Run \`queue\` from this clone rather than editing \`${file}\`.`,
  );
  const relaxed = Object.entries(r.relaxed);
  if (relaxed.length) out.push(`- \`queue.config.json\` relaxes these claim rules: ${relaxed.map(([k, v]) => `\`${k}\` (${v})`).join(', ')}.`);
  out.push(
    r.hooks
      ? "- queue's git hooks are installed here: a commit or push that breaks these rules (a claim by hand of a story that is not ready, a steal, a done without a claim) is refused."
      : "- The same rules are checked by `queue validate --range` and by queue's git hooks where they are installed (`queue hooks install`).",
  );
  if (config.maintainers.length) out.push(`- Maintainers (\`--force\`, config changes): ${config.maintainers.join(', ')}.`);
  const own = claimingSection(queue.documents[0]?.text ?? '');
  if (own) out.push('', `The queue file's own rules (${file}):`, '', own);
  out.push('');
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/\s+$/, '')}\n`;
}

function handoffLines(h: PromptHandoff): string[] {
  const out = [`- \`${h.file}\`: ${h.from ?? '?'} → ${h.to ?? 'whoever takes it'}${h.timestamp ? ` (${h.timestamp})` : ''}`];
  if (h.notes)
    out.push(
      ...h.notes
        .trim()
        .split('\n')
        .map((l, i) => (i === 0 ? `  - Notes: ${l}` : `    ${l}`)),
    );
  for (const n of h.nextSteps) out.push(`  - Next: ${n}`);
  for (const b of h.blockers) out.push(`  - Blocker: ${b}`);
  out.push('');
  return out;
}

/** The text of a "Claiming Rules" (or "Rules") section of the queue file, without its heading; '' when there is none. */
function claimingSection(text: string): string {
  const m = /^(#{1,6})[ \t]+(?:claiming rules|claim rules|rules for agents|agent rules)[ \t]*#*[ \t]*$/im.exec(text);
  if (!m) return '';
  const rest = text.slice(m.index + m[0].length);
  const end = new RegExp(`^#{1,${m[1].length}}[ \\t]`, 'm').exec(rest);
  return rest
    .slice(0, end ? end.index : MAX_TEXT)
    .replace(/^\s*(?:---\s*)?$/gm, '')
    .trim()
    .slice(0, MAX_TEXT);
}

/**
 * The agent a prompt addresses: `flag`, else `QUEUE_AGENT`, else `git config queue.agent` of the
 * repository `source` names (aliases from the config's `agents` resolved); undefined when none is
 * named anywhere. Throws QueueError `usage` for a name that is not allowed.
 */
export async function promptAgent(source: OpenOptions, flag?: string): Promise<string | undefined> {
  const { locateQueueFile } = await import('./locate.js');
  const { repo, config } = locateQueueFile(source);
  const { resolveAgent } = await import('./write.js');
  try {
    return await resolveAgent(flag, repo ?? source.cwd ?? process.cwd(), config);
  } catch (e) {
    if (e instanceof QueueError && e.code === 'usage' && (flag ?? process.env.QUEUE_AGENT) === undefined) return undefined;
    throw e;
  }
}
