/**
 * Claim rules (docs/rules-and-hooks.md): (queue before, queue after, actor) → violations. Pure. The
 * same function judges `queue` writes, hand edits, `queue validate --range`, the git hooks and the
 * watcher: it looks at the content change only; trailers (`Queue-Agent`, `Queue-Op`, `Queue-Force`)
 * add information.
 *
 * Rules (codes), each with a default severity that `queue.config.json` `"rules"` can change
 * (`"error"`, `"warning"`, `"off"`):
 * - `unparseable`: the file after has merge-conflict markers;
 * - `claim_not_ready`: a story claimed while its dependencies were not done, or while held
 *   (the convention: claim only a `[ ]` story, and only when all its dependencies are `[DONE]`);
 * - `steal`: a claimed story claimed by another agent;
 * - `not_holder`: a claimed story changed by an agent who does not hold it (without `--force`);
 * - `done_not_claimed`: done from neither in progress nor review;
 * - `reopen_by_hand`: a done story reopened other than by `queue reopen`;
 * - `cycle`, `duplicate_id`: a new dependency cycle, a new duplicate id;
 * - `delete_claimed`: a claimed story removed;
 * - `claim_limit`: an agent holding more than `maxClaims` stories (by default one: an agent
 *   completes one story before it takes another).
 *
 * The actor: the `Queue-Agent` trailer, else the claimant written in the story's cell, else the
 * commit author through the config's aliases. An author who is no agent the queue or the config
 * knows stays unknown, and the rules about who may act do not apply to it (real history is written
 * by people as well as agents: see docs/rules-and-hooks.md, "Judging history").
 */
import { canonicalAgent, type QueueConfig } from '../domain/config.js';
import type { Queue } from '../read/queue.js';
import { diffQueues } from '../history/events.js';
import type { Story } from '../domain/types.js';
import { DEFAULT_SEVERITY, type RuleCode, type RuleSeverity } from '../domain/rules.js';
import { isClaimed } from '../domain/status.js';

export { DEFAULT_SEVERITY, type RuleCode, type RuleSeverity } from '../domain/rules.js';

/** A broken rule: which, where, and how to mend it. */
export interface Violation {
  rule: RuleCode;
  severity: 'error' | 'warning';
  story: string | null;
  file: string;
  line: number;
  message: string;
  /** What to do instead. */
  fix: string;
}

/** What is known about who made the change. */
export interface ChangeContext {
  /** `Queue-Agent` trailer. */
  agent?: string | null;
  /** `Queue-Op` trailer. */
  op?: string | null;
  /** `Queue-Force` trailer present (`queue release --force`, `queue stale --release`). */
  force?: boolean;
  /** Commit author's names (email, name), for the alias lookup; the first that is a known agent counts. */
  author?: string | readonly string[] | null;
  config: QueueConfig;
}

const lower = (s: string | null | undefined) => (s ?? '').trim().toLowerCase();

/** Names the queue or the config knows as agents (lower case). */
function knownAgents(before: Queue | null, after: Queue, config: QueueConfig): Set<string> {
  const names = new Set<string>();
  for (const q of [before, after]) for (const s of q?.stories ?? []) for (const n of [s.claimant, s.owner]) if (n) names.add(lower(n));
  for (const [canon, aliases] of Object.entries(config.agents)) {
    names.add(lower(canon));
    for (const a of aliases) names.add(lower(a));
  }
  return names;
}

/** Judge the change from `before` (null: the file is new) to `after`. */
export function checkTransition(before: Queue | null, after: Queue, ctx: ChangeContext): Violation[] {
  const out: Violation[] = [];
  const severity = (rule: RuleCode): RuleSeverity => (ctx.config.rules[rule] as RuleSeverity | undefined) ?? DEFAULT_SEVERITY[rule];
  const add = (rule: RuleCode, story: Story | null, message: string, fix: string, where?: { file: string; line: number }) => {
    const sev = severity(rule);
    if (sev === 'off') return;
    const at = where ?? (story ? { file: story.file, line: story.line } : { file: after.documents[0]?.file ?? '', line: 1 });
    out.push({ rule, severity: sev, story: story?.id ?? null, ...at, message, fix });
  };

  for (const doc of after.documents) {
    if (!doc.editable) {
      const m = after.diagnostics.find((d) => d.code === 'conflict' && d.file === doc.file);
      add('unparseable', null, `${doc.file} has merge conflict markers`, 'resolve the conflict and commit the file without <<<<<<< / ======= / >>>>>>> lines', {
        file: doc.file,
        line: m?.line ?? 1,
      });
    }
  }

  const known = knownAgents(before, after, ctx.config);
  const trailer = ctx.agent ? canonicalAgent(ctx.config, ctx.agent) : null;
  const authors = (typeof ctx.author === 'string' ? [ctx.author] : (ctx.author ?? [])).filter(Boolean).map((a) => canonicalAgent(ctx.config, a));
  const authorAgent = authors.find((a) => known.has(lower(a))) ?? null;

  const events = diffQueues(before, after);
  const prev = before?.graph.byId ?? new Map<string, Story>();
  for (const e of events) {
    const a = prev.get(e.story);
    const b = after.graph.byId.get(e.story);
    const heldBefore = a && isClaimed(a.status.category) ? a.claimant : null;
    if (e.kind === 'claim' && a && b) {
      if (heldBefore && lower(heldBefore) !== lower(b.claimant)) {
        if (!ctx.force)
          add(
            'steal',
            b,
            `${b.id} was held by ${heldBefore}; now ${b.claimant ?? 'someone else'} claims it`,
            `leave ${b.id} to ${heldBefore}, or ask them to release it (queue release ${b.id})`,
          );
      } else if (!heldBefore && before && !before.graph.isReady(a)) {
        const waiting = before.graph.waitingOn(a);
        const why = before.graph.isHold(a) ? `it is held${a.status.reason ? `: ${a.status.reason}` : ''}` : `it waits on ${waiting.join(', ')}`;
        add('claim_not_ready', b, `${b.id} was claimed but ${why}`, `claim a story from queue ready instead, or finish ${waiting.join(', ') || 'the hold'} first`);
      }
      continue;
    }
    if (e.kind === 'done' && a && b && !isClaimed(a.status.category)) {
      add('done_not_claimed', b, `${b.id} went from "${a.status.raw}" straight to done`, `claim it first (queue claim ${b.id}), then mark it done`);
    }
    if (e.kind === 'reopen' && b && lower(ctx.op) !== 'reopen') {
      add('reopen_by_hand', b, `${b.id} was done and is "${b.status.raw}" again`, `use queue reopen ${b.id}, which says so in the commit`);
    }
    if (e.kind === 'remove' && a && heldBefore) {
      add('delete_claimed', null, `${a.id} was removed while ${heldBefore} holds it`, `release it first (queue release ${a.id}), or keep the row`, { file: a.file, line: a.line });
    }
    // Who may change a claimed story: its holder (or a forced release / stale release). The actor is
    // the trailer, else the claimant still written in the cell, else a known author.
    if (heldBefore && b && e.kind !== 'dependency' && e.kind !== 'edit' && !ctx.force) {
      const actor = trailer ?? (isClaimed(b.status.category) ? b.claimant : null) ?? authorAgent;
      if (actor && lower(actor) !== lower(heldBefore)) {
        add(
          'not_holder',
          b,
          `${b.id} is held by ${heldBefore}, but ${actor} changed it to "${b.status.raw}"`,
          `only ${heldBefore} changes ${b.id}; otherwise queue release --force ${b.id}`,
        );
      }
    }
  }

  // Claims per agent after the change.
  const limit = ctx.config.maxClaims;
  const count = (q: Queue | null, who: string) => (q?.stories ?? []).filter((s) => isClaimed(s.status.category) && lower(s.claimant) === lower(who)).length;
  for (const who of new Set(events.filter((e) => e.kind === 'claim' && e.claimant).map((e) => e.claimant!))) {
    const n = count(after, who);
    if (n > limit && n > count(before, who)) {
      const claimed = events.find((e) => e.kind === 'claim' && lower(e.claimant) === lower(who))!;
      add(
        'claim_limit',
        after.graph.byId.get(claimed.story) ?? null,
        `${who} holds ${n} stories (limit ${limit})`,
        `finish or release one before claiming another (maxClaims in queue.config.json)`,
      );
    }
  }

  // New cycles and duplicate ids.
  const oldCycles = new Set((before?.graph.cycles ?? []).map((c) => [...c].sort().join('\0')));
  for (const c of after.graph.cycles) {
    if (oldCycles.has([...c].sort().join('\0'))) continue;
    const s = after.graph.byId.get(c[0])!;
    add('cycle', s, `dependency cycle: ${[...c, c[0]].join(' → ')}`, `remove one of these dependencies (queue dep rm)`);
  }
  const dupes = (q: Queue | null) => new Set((q?.diagnostics ?? []).filter((d) => d.code === 'duplicate_id' || d.code === 'duplicate_conflict').map((d) => `${d.story}`));
  const oldDupes = dupes(before);
  for (const d of after.diagnostics) {
    if ((d.code === 'duplicate_id' || d.code === 'duplicate_conflict') && !oldDupes.has(`${d.story}`)) {
      add(
        'duplicate_id',
        after.graph.byId.get(d.story ?? '') ?? null,
        `${d.story} is written twice (${d.message})`,
        `give the new row another id (queue add picks none that exists)`,
        { file: d.file, line: d.line },
      );
      oldDupes.add(`${d.story}`);
    }
  }
  return out;
}
