/**
 * Claim rules (docs/rules-and-hooks.md): (queue before, queue after, actor) → violations. Pure. The same function
 * judges `queue` writes, hand edits, `queue validate --range`, the git hooks and the watcher: it looks
 * at the content change and at who made it.
 *
 * Rules (codes), each with a default severity that `queue.config.json` `"rules"` can change
 * (`"error"`, `"warning"`, `"off"`):
 * - `unparseable`: the file after has merge-conflict markers;
 * - `claim_not_ready`: a story claimed while its dependencies were not done, or while held
 *   (the convention: claim only a `[ ]` story, and only when all its dependencies are `[DONE]`);
 * - `steal`: a claimed story claimed by another agent;
 * - `not_holder`: a claimed story changed by anyone but its holder (without a forced release);
 * - `done_not_claimed`: done from neither in progress nor review;
 * - `reopen_by_hand`: a done story reopened other than by `queue reopen`;
 * - `cycle`, `duplicate_id`: a new dependency cycle, a new duplicate id;
 * - `delete_claimed`: a claimed story removed, or made unreadable (its status no longer reads),
 *   by anyone but a maintainer;
 * - `claim_limit`: an agent holding more than `maxClaims` stories (by default one: an agent
 *   completes one story before it takes another);
 * - `claim_unnamed`: a story claimed (or added claimed) without a claimant, which no agent's limit
 *   counts and no rule keeps another agent from finishing;
 * - `config_change`, `delete_branch`: queue.config.json changed, or the queue branch deleted, by
 *   anyone but a maintainer ({@link checkMaintainer}; the hooks find these in git);
 * - `self_approve`: a story in review marked done by its own implementer (its holder): review is
 *   someone else's call;
 * - `not_reviewer`: a story in review approved (→ done) or rejected (→ in progress, back to its
 *   holder) by an agent the config's `reviewers` does not name. With no `reviewers`, anyone but
 *   the implementer approves or rejects; that is no `not_holder`.
 *
 * Who acted ({@link actorOf}) depends on how much the caller knows. A judge of commits (the hooks,
 * `queue validate --range`) takes the pusher when the server says who pushes, else the commit author
 * mapped through the config's `agents` aliases; an author the config does not know is that unknown
 * actor, never the holder. The trailers (`Queue-Agent`, `Queue-Op`, `Queue-Force`) are hints there:
 * `Queue-Force` and `Queue-Op: reopen` bind only for a maintainer. queue's own write, judged before
 * it commits (`local`), is the caller's decision: its `Queue-Agent` is the actor and its trailers
 * bind; the hooks judge the commit again by identity.
 */
import { agentIdentity, canonicalAgent, isMaintainer, isReviewer, sameAgent, type QueueConfig } from '../domain/config.js';
import type { Queue } from '../read/queue.js';
import { diffQueues, type QueueEvent } from '../history/events.js';
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
  /** Who pushed, as the server says (`GL_USERNAME`, `REMOTE_USER`…): the actor, whoever the author is. */
  pusher?: string | null;
  /** queue's own write, judged before it commits: the `Queue-Agent` it writes is the actor, and its
   * `Queue-Force` and `Queue-Op` bind. */
  local?: boolean;
  /** Why the stories of `before` are missing from `after` when the whole file is gone (`WORK_QUEUE.md
   * is gone: deleted or renamed`), for the messages. */
  gone?: string | null;
  /** How to name the actor when nothing tells who it is (a forced update with no pusher identity). */
  unknown?: string;
  /** When given, the rules about one story's change judge only these stories (a merge: the ones it
   * resolved itself; the others it took from a parent where they were judged). */
  only?: ReadonlySet<string> | null;
  config: QueueConfig;
}

/** Who made a change: a name (an agent, or an author the config does not know), or null when nothing says. */
export interface Actor {
  name: string | null;
  /** The name, or a description of the unknown actor, for messages. */
  label: string;
  maintainer: boolean;
}

const lower = (s: string | null | undefined) => (s ?? '').trim().toLowerCase();

/** Names the queue or the config knows as agents (lower case). */
function knownAgents(before: Queue | null, after: Queue | null, config: QueueConfig): Set<string> {
  const names = new Set<string>();
  for (const q of [before, after]) for (const s of q?.stories ?? []) for (const n of [s.claimant, s.owner]) if (n) names.add(lower(n));
  for (const [canon, aliases] of Object.entries(config.agents)) {
    names.add(lower(canon));
    for (const a of aliases) names.add(lower(a));
  }
  return names;
}

/**
 * Who made the change. The pusher when the server says; else the commit author, as the config's
 * `agents` aliases (or a claimant's name in the queue) know them, else the author's own name. For
 * queue's own write (`local`) without a pusher: the `Queue-Agent` it is about to write.
 */
export function actorOf(ctx: ChangeContext, before: Queue | null = null, after: Queue | null = null): Actor {
  const make = (name: string | null): Actor => ({
    name,
    label: name ?? ctx.unknown ?? 'an unknown actor',
    maintainer: isMaintainer(ctx.config, name),
  });
  if (ctx.pusher?.trim()) return make(canonicalAgent(ctx.config, ctx.pusher));
  if (ctx.local && ctx.agent) return make(canonicalAgent(ctx.config, ctx.agent));
  const authors = (typeof ctx.author === 'string' ? [ctx.author] : (ctx.author ?? [])).filter((a) => a?.trim());
  if (authors.length === 0) return make(null);
  const known = knownAgents(before, after, ctx.config);
  const mapped = authors.map((a) => canonicalAgent(ctx.config, a)).find((a) => known.has(lower(a)));
  // [email, name]: an unknown author goes by their name (queue's own write leaves it unjudged).
  return make(mapped ?? (ctx.local ? null : authors[authors.length - 1].trim()));
}

/**
 * A reviewer's move of a story in review held by `holder`: `approve` (review → done) or `reject`
 * (review → in progress, still held by `holder`); null for any other change.
 */
function reviewMove(a: Story | undefined, b: Story, holder: string, config: QueueConfig): 'approve' | 'reject' | null {
  if (a?.status.category !== 'review') return null;
  if (b.status.category === 'done') return 'approve';
  if (b.status.category === 'in_progress' && sameAgent(config, b.claimant, holder)) return 'reject';
  return null;
}

/** How a severity lookup and a violation are made, by `rules`. */
function collector(config: QueueConfig, out: Violation[], fallback: { file: string; line: number }) {
  return (rule: RuleCode, story: Story | null, message: string, fix: string, where?: { file: string; line: number }) => {
    const sev = (config.rules[rule] as RuleSeverity | undefined) ?? DEFAULT_SEVERITY[rule];
    if (sev === 'off') return;
    const at = where ?? (story ? { file: story.file, line: story.line } : fallback);
    out.push({ rule, severity: sev, story: story?.id ?? null, ...at, message, fix });
  };
}

/**
 * A change only a maintainer may make: `config_change` (queue.config.json changed) or
 * `delete_branch` (the queue branch deleted), judged for `actor` at `where`. Empty when the actor is a
 * maintainer or the config turns the rule off.
 */
export function checkMaintainer(rule: 'config_change' | 'delete_branch', actor: Actor, config: QueueConfig, where: { file: string; line: number }, what: string): Violation[] {
  if (actor.maintainer) return [];
  const out: Violation[] = [];
  // With no maintainer named, the only way in is the server's administrator naming one.
  const who = config.maintainers.length
    ? `a maintainer (${config.maintainers.join(', ')})`
    : 'a maintainer: queue.config.json names none ("maintainers"), so the server\'s administrator names one first (git config --add queue.maintainer NAME in the bare repository), who then';
  const fix =
    rule === 'config_change' ? `leave queue.config.json as it is; ${who} pushes the change` : `keep the branch; ${who} pushes the deletion, with the server saying who pushes`;
  collector(config, out, where)(rule, null, `${what} by ${actor.label}, who is no maintainer`, fix, where);
  return out;
}

/** The stories of a dependency cycle a refusal names, at most. */
const CYCLE_SHOWN = 20;

/** Judge the change from `before` (null: the file is new) to `after`. */
export function checkTransition(before: Queue | null, after: Queue, ctx: ChangeContext): Violation[] {
  const out: Violation[] = [];
  const add = collector(ctx.config, out, { file: after.documents[0]?.file ?? '', line: 1 });

  for (const doc of after.documents) {
    if (!doc.editable) {
      const m = after.diagnostics.find((d) => d.code === 'conflict' && d.file === doc.file);
      add('unparseable', null, `${doc.file} has merge conflict markers`, 'resolve the conflict and commit the file without <<<<<<< / ======= / >>>>>>> lines', {
        file: doc.file,
        line: m?.line ?? 1,
      });
    }
  }

  const actor = actorOf(ctx, before, after);
  // Trailers bind for queue's own write, and otherwise only for a maintainer.
  const forced = !!ctx.force && (!!ctx.local || actor.maintainer);
  const reopened = lower(ctx.op) === 'reopen' && (!!ctx.local || actor.maintainer);
  const onlyMaintainer = (what: string) => (ctx.local || actor.maintainer ? '' : `; ${what} binds only for a maintainer, and ${actor.label} is none`);

  const events = diffQueues(before, after);
  const prev = before?.graph.byId ?? new Map<string, Story>();
  const unread = new Set<string>();
  for (const e of events) {
    if (ctx.only && !ctx.only.has(e.story)) continue;
    const a = prev.get(e.story);
    const b = after.graph.byId.get(e.story);
    const heldBefore = a && isClaimed(a.status.category) ? a.claimant : null;
    if (heldBefore && b && b.status.category === 'unknown') {
      // A status that no longer reads takes the claim away as surely as deleting the row.
      if (!actor.maintainer && !unread.has(b.id))
        add(
          'delete_claimed',
          b,
          `${b.id} was held by ${heldBefore}; its status "${b.status.raw}" no longer reads, which removes the claim`,
          `write a status queue reads ([IN PROGRESS: ${heldBefore}] to keep it held), or leave the row to ${heldBefore}`,
        );
      unread.add(b.id);
      continue;
    }
    // A claim says who holds it: a story in progress that names nobody counts against no agent's
    // limit, and any agent could finish it.
    if ((e.kind === 'claim' || (e.kind === 'add' && before)) && b && isClaimed(b.status.category) && !b.claimant?.trim()) {
      add(
        'claim_unnamed',
        b,
        `${b.id} is "${b.status.raw}" but names nobody as its claimant`,
        `name who holds it (queue claim ${b.id} writes the claimant, as in [IN PROGRESS: ${actor.name ?? 'name'}])`,
      );
    }
    if (e.kind === 'claim' && a && b) {
      // Names are compared as agents: a claimant written as one of the holder's aliases is the holder.
      if (heldBefore && !sameAgent(ctx.config, heldBefore, b.claimant)) {
        // The holder handing its own claim to another agent (`queue handoff --reassign`) steals nothing.
        const byHolder = sameAgent(ctx.config, actor.name, heldBefore);
        if (!forced && !byHolder)
          add(
            'steal',
            b,
            `${b.id} was held by ${heldBefore}; now ${b.claimant ?? 'someone else'} claims it${ctx.force ? onlyMaintainer('Queue-Force') : ''}`,
            `leave ${b.id} to ${heldBefore}, or ask them to release it (queue release ${b.id})`,
          );
      } else if (!heldBefore && before && !before.graph.isReady(a) && !before.graph.isPlanningReady(a)) {
        const waiting = before.graph.waitingOn(a);
        const children = waiting.length ? [] : before.graph.openChildren(a.id);
        const why = before.graph.isHold(a)
          ? `it is held${a.status.reason ? `: ${a.status.reason}` : ''}`
          : children.length
            ? `it is a parent whose children ${children.join(', ')} are open`
            : `it waits on ${waiting.join(', ')}`;
        add(
          'claim_not_ready',
          b,
          `${b.id} was claimed but ${why}`,
          `claim a story from queue ready instead, or finish ${[...waiting, ...children].join(', ') || 'the hold'} first`,
        );
      }
      continue;
    }
    if (e.kind === 'done' && a && b && !isClaimed(a.status.category)) {
      add('done_not_claimed', b, `${b.id} went from "${a.status.raw}" straight to done`, `claim it first (queue claim ${b.id}), then mark it done`);
    }
    if (e.kind === 'reopen' && b && !reopened) {
      add(
        'reopen_by_hand',
        b,
        `${b.id} was ${a?.status.category === 'cancelled' ? 'cancelled' : 'done'} and is "${b.status.raw}" again${lower(ctx.op) === 'reopen' ? onlyMaintainer('Queue-Op: reopen') : ''}`,
        `use queue reopen ${b.id}, which says so in the commit${ctx.local ? '' : ' (where the hooks judge, a maintainer reopens)'}`,
      );
    }
    if (e.kind === 'remove' && a && heldBefore && !actor.maintainer) {
      add(
        'delete_claimed',
        a,
        ctx.gone ? `${ctx.gone}, and ${a.id} with it while ${heldBefore} holds it` : `${a.id} was removed while ${heldBefore} holds it (or its row no longer reads as a story)`,
        ctx.gone
          ? `keep ${after.documents[0]?.file || 'the queue file'} where it is; a maintainer may move it (with "file" in queue.config.json)`
          : `release it first (queue release ${a.id}), or keep its row in a status table`,
        { file: a.file, line: a.line },
      );
    }
    // Who may change a claimed story: its holder, or a forced release that binds; a story in review
    // also its reviewers (approve: review → done; reject: review → in progress, back to its holder).
    if (heldBefore && b && e.kind !== 'dependency' && e.kind !== 'edit' && !forced) {
      const who = ctx.local && !ctx.pusher ? (actor.name ?? (isClaimed(b.status.category) ? b.claimant : null)) : actor.name;
      const review = reviewMove(a, b, heldBefore, ctx.config);
      const holder = sameAgent(ctx.config, who, heldBefore);
      if (review && holder && review === 'approve') {
        add(
          'self_approve',
          b,
          `${b.id} is in review; ${heldBefore}, who implemented it, cannot approve it`,
          `another agent approves it (queue approve ${b.id})${ctx.config.reviewers.length ? `: one of ${ctx.config.reviewers.join(', ')}` : ''}; or queue reject / queue release it`,
        );
      } else if (review && who && !holder) {
        if (!isReviewer(ctx.config, who))
          add(
            'not_reviewer',
            b,
            `${b.id} is in review by ${heldBefore}; ${who} is not one of its reviewers (${ctx.config.reviewers.join(', ')}) and cannot ${review} it`,
            `one of ${ctx.config.reviewers.join(', ')} runs queue ${review} ${b.id} ("reviewers" in queue.config.json)`,
          );
      } else if (!ctx.local || who) {
        if (!holder)
          add(
            'not_holder',
            b,
            `${b.id} is held by ${heldBefore}, but ${who ?? actor.label} changed it to "${b.status.raw}"${ctx.force ? onlyMaintainer('Queue-Force') : ''}`,
            `only ${heldBefore} changes ${b.id}; otherwise ${ctx.local ? `queue release --force ${b.id}` : `a maintainer releases it (queue release --force ${b.id})`}`,
          );
      }
    }
  }

  // Claims per agent after the change, an agent's aliases counted as the agent.
  const limit = ctx.config.maxClaims;
  // A story added already claimed is a claim too.
  const claims = events.filter((e) => (e.kind === 'claim' || (e.kind === 'add' && isClaimed(after.graph.byId.get(e.story)?.status.category ?? 'unknown'))) && e.claimant);
  // Each queue's claims counted by agent in one pass, however many agents claim (a change may add
  // thousands of stories claimed by as many names).
  const held = (q: Queue | null): Map<string, number> => {
    const counts = new Map<string, number>();
    const identity = new Map<string, string | null>();
    for (const s of q?.stories ?? []) {
      if (!isClaimed(s.status.category) || !s.claimant) continue;
      let who = identity.get(s.claimant);
      if (who === undefined) {
        who = agentIdentity(ctx.config, s.claimant);
        identity.set(s.claimant, who);
      }
      if (who !== null) counts.set(who, (counts.get(who) ?? 0) + 1);
    }
    return counts;
  };
  // Each agent's first claim of the change, by the agent's identity.
  const firstClaim = new Map<string, QueueEvent>();
  for (const e of claims) {
    const key = agentIdentity(ctx.config, e.claimant);
    if (key !== null && !firstClaim.has(key)) firstClaim.set(key, e);
  }
  if (firstClaim.size) {
    const [claimsAfter, claimsBefore] = [held(after), held(before)];
    for (const [key, claimed] of firstClaim) {
      const n = claimsAfter.get(key) ?? 0;
      if (n > limit && n > (claimsBefore.get(key) ?? 0))
        add(
          'claim_limit',
          after.graph.byId.get(claimed.story) ?? null,
          `${canonicalAgent(ctx.config, claimed.claimant!)} holds ${n} stories (limit ${limit})`,
          `finish or release one before claiming another (maxClaims in queue.config.json)`,
        );
    }
  }

  // New cycles and duplicate ids.
  const oldCycles = new Set((before?.graph.cycles ?? []).map((c) => [...c].sort().join('\0')));
  for (const c of after.graph.cycles) {
    if (oldCycles.has([...c].sort().join('\0'))) continue;
    const s = after.graph.byId.get(c[0])!;
    // A refusal line stays readable however long the cycle: its first stories, and how many more.
    const shown = c.length > CYCLE_SHOWN ? `${c.slice(0, CYCLE_SHOWN).join(' → ')} → … (${c.length - CYCLE_SHOWN} more) → ${c[0]}` : [...c, c[0]].join(' → ');
    add('cycle', s, `dependency cycle: ${shown}`, `remove one of these dependencies (queue dep rm)`);
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
