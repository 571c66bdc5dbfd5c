/**
 * Merge entries into stories and resolve dependencies. Pure.
 *
 * - A story that appears in several places (a tier table and the file's Completed log) is one story;
 *   its primary occurrence is the first table row or task item (log rows only add owner and wave).
 *   Occurrences whose states disagree give an error `duplicate_conflict`, never a crash.
 * - Rows with no id get one derived from section and title (`tier-5/script-content-hashing`);
 *   colliding derived ids get `-2`, `-3` and a warning `id_collision`.
 * - A dependency on no known story is satisfied only by a done mark written beside it
 *   (`Epic 2 ✅`); otherwise it is an error `unknown_dependency` and stays unsatisfied.
 * - A story's parent is the task item it is nested under, else its Parent / Epic cell, else (with
 *   the config's `hierarchy.prefixes`) the story whose id is its id's prefix. A parent marked done
 *   while a child is open is a warning `parent_done_early`; a Parent cell naming no story, a warning
 *   `unknown_parent`.
 */
import type { Entry } from '../dialect/entries.js';
import { slug } from '../dialect/normalize.js';
import type { DependencyRef, Diagnostic, Story } from '../domain/types.js';
import type { QueueGraph } from './graph.js';
import { isClaimed, OPEN_CATEGORIES } from '../domain/status.js';
import type { Vocabulary } from '../domain/config.js';

/** How {@link buildStories} finds parents beyond nesting and Parent cells: the config's `hierarchy`. */
export interface BuildOptions {
  hierarchy?: Vocabulary['hierarchy'];
}

/** Stories built from entries (one per id, occurrences merged in file order) and what was found wrong. */
export interface BuiltStories {
  stories: Story[];
  diagnostics: Diagnostic[];
  /** Each story by its id, in the order of `stories` (for {@link QueueGraph.from}, which would build it again). */
  byId: Map<string, Story>;
}

/** References the dependency grammar took for documents (`q/parser`: it has a `/`) that may name a
 * story whose id is derived (`section/title`): kept when they do, dropped when they do not. */
const MAYBE_DOCUMENT = new WeakSet<DependencyRef>();

function unresolved(e: Entry): DependencyRef[] {
  const written = e.deps?.deps;
  const documents = e.deps?.documents;
  if ((!written || written.length === 0) && (!documents || documents.length === 0)) return [];
  const out: DependencyRef[] = (written ?? []).map((d) => ({ ref: d.ref, id: null, markedDone: d.markedDone }));
  for (const ref of documents ?? []) {
    // A file name (`AUTONOMY.md`, `docs/plan.md`) names no story.
    if (!ref.includes('/') || /\.[A-Za-z0-9]+$/.test(ref)) continue;
    const d: DependencyRef = { ref, id: null, markedDone: false };
    MAYBE_DOCUMENT.add(d);
    out.push(d);
  }
  return out;
}

function deriveId(e: Entry): string {
  const section = e.sectionPath.length ? slug(e.sectionPath[e.sectionPath.length - 1], 24) : 'queue';
  return `${section}/${slug(e.title || 'untitled', 40)}`;
}

/** Build stories from the entries of one or more files, in file order. */
export function buildStories(entries: Entry[], opts: BuildOptions = {}): BuiltStories {
  const diagnostics: Diagnostic[] = [];
  const byId = new Map<string, Story>();
  const order: Story[] = [];
  // Task lists nest and Parent cells name parents; the entry → story map is kept only when some entry has one.
  const entryStory = entries.some((e) => e.parent !== null || e.parentRef !== null) ? new Map<Entry, Story>() : null;
  const derivedSeen = new Map<string, number>();

  for (let k = 0; k < entries.length; k++) {
    const e = entries[k];
    const occ = e.occurrence;
    let id = e.id;
    let derived = false;
    if (id === null) {
      derived = true;
      const base = deriveId(e);
      const n = (derivedSeen.get(base) ?? 0) + 1;
      derivedSeen.set(base, n);
      id = n === 1 ? base : `${base}-${n}`;
      if (n > 1) {
        diagnostics.push({
          severity: 'warning',
          code: 'id_collision',
          message: `derived id ${base} is taken; this row is ${id}`,
          file: occ.file,
          line: occ.line,
          column: occ.column,
          story: id,
        });
      }
    }
    const existing = byId.get(id);
    if (existing) {
      mergeInto(existing, e, diagnostics);
      entryStory?.set(e, existing);
      continue;
    }
    const story: Story = {
      id,
      derivedId: derived,
      title: e.title,
      status: e.status,
      claimant: null,
      owner: e.owner,
      deps: unresolved(e),
      sectionPath: e.sectionPath,
      storyFile: e.storyFile,
      priority: e.priority,
      effort: e.effort,
      wave: e.wave,
      fields: e.fields, // the entry's own object: entries are not used after building
      parent: null,
      needsDecomposition: false,
      checklist: e.checklist,
      file: occ.file,
      line: occ.line,
      column: occ.column,
      occurrences: [occ],
    };
    byId.set(id, story);
    order.push(story);
    entryStory?.set(e, story);
  }
  if (entryStory) resolveParents(entries, entryStory, byId, diagnostics);
  if (opts.hierarchy) parentsByPrefix(order, byId, opts.hierarchy.prefixes);
  if (entryStory || opts.hierarchy) parentCycles(order, byId, diagnostics);
  for (let k = 0; k < order.length; k++) {
    const s = order[k];
    s.claimant = s.status.claimant ?? (isClaimed(s.status.category) ? s.owner : null);
  }
  resolveDeps(order, byId, diagnostics);
  hierarchyChecks(order, byId, diagnostics);
  return { stories: order, diagnostics, byId };
}

/** Parents from nesting (an item's enclosing item) and from Parent / Epic cells (an id, matched as
 * dependencies are: exactly, then without `#`, then in any case). Nesting wins over a cell. */
function resolveParents(entries: Entry[], entryStory: Map<Entry, Story>, byId: Map<string, Story>, diagnostics: Diagnostic[]) {
  let lower: Map<string, string> | null = null;
  const find = (ref: string): string | null => {
    const r = ref.startsWith('#') ? ref.slice(1) : ref;
    if (byId.has(r)) return r;
    if (lower === null) {
      lower = new Map();
      for (const id of byId.keys()) if (!lower.has(id.toLowerCase())) lower.set(id.toLowerCase(), id);
    }
    return lower.get(r.toLowerCase()) ?? null;
  };
  for (const e of entries) {
    const s = entryStory.get(e)!;
    if (e.parent) {
      s.parent = entryStory.get(e.parent)!.id;
      continue;
    }
    if (e.parentRef === null || s.parent !== null) continue;
    const id = find(e.parentRef);
    if (id !== null && id !== s.id) s.parent = id;
    else if (id === s.id) {
      const occ = e.occurrence;
      diagnostics.push({
        severity: 'error',
        code: 'parent_cycle',
        message: `${s.id} names itself as its parent: it is taken as having none`,
        file: occ.file,
        line: occ.line,
        column: occ.column,
        story: s.id,
      });
    } else {
      const occ = e.occurrence;
      diagnostics.push({
        severity: 'warning',
        code: 'unknown_parent',
        message: `${s.id} names "${e.parentRef}" as its parent, which is no story in this queue`,
        file: occ.file,
        line: occ.line,
        column: occ.column,
        story: s.id,
      });
    }
  }
}

/**
 * Parents that are their own ancestors (`S-1` inside `S-2` inside `S-1`): each would wait for the
 * other to finish its children, so neither could ever be taken. Each such cycle is an error
 * `parent_cycle` at its first story in file order, and its stories are taken as having no parent.
 * Each story has one parent, so one walk up from each story, colouring as it goes, finds every
 * cycle in O(n) without recursion.
 */
function parentCycles(stories: Story[], byId: Map<string, Story>, diagnostics: Diagnostic[]) {
  // 1: on the walk now; 2: done (not in the map: not seen).
  const state = new Map<Story, number>();
  let pos: Map<Story, number> | null = null;
  for (const start of stories) {
    if (start.parent === null || state.has(start)) continue;
    const walk: Story[] = [];
    let s: Story | undefined = start;
    while (s !== undefined && !state.has(s)) {
      state.set(s, 1);
      walk.push(s);
      s = s.parent === null ? undefined : byId.get(s.parent);
    }
    if (s !== undefined && state.get(s) === 1) {
      const cycle = walk.slice(walk.indexOf(s));
      pos ??= new Map(stories.map((x, i) => [x, i]));
      const at = pos;
      const first = cycle.reduce((a, b) => (at.get(b)! < at.get(a)! ? b : a));
      const from = cycle.indexOf(first);
      const ids = [...cycle.slice(from), ...cycle.slice(0, from), first].map((x) => x.id);
      diagnostics.push({
        severity: 'error',
        code: 'parent_cycle',
        message: `parents in a cycle: ${ids.join(' → ')} (each inside the next); they are taken as having no parent`,
        file: first.file,
        line: first.line,
        column: first.column,
        story: first.id,
      });
      for (const x of cycle) x.parent = null;
    }
    for (const x of walk) state.set(x, 2);
  }
}

/** With the config's `hierarchy.prefixes`: a story with no parent yet whose id's prefix before a
 * `-` or `.` is a story's id (the longest such prefix; only those `patterns` match whole, when a
 * list) is that story's child: `2-3` of `2`, `E1.2` of `E1`. */
function parentsByPrefix(stories: Story[], byId: Map<string, Story>, patterns: true | readonly string[]) {
  const allowed = patterns === true ? null : patterns.map((p) => new RegExp(`^(?:${p})$`, 'u'));
  for (const s of stories) {
    if (s.parent !== null || s.derivedId) continue;
    for (let k = s.id.length - 1; k > 0; k--) {
      const ch = s.id[k];
      if (ch !== '-' && ch !== '.') continue;
      const prefix = s.id.slice(0, k);
      if (byId.has(prefix) && (allowed === null || allowed.some((re) => re.test(prefix)))) {
        s.parent = prefix;
        break;
      }
    }
  }
}

/** A status, label or tag that says a story's work is to be broken into stories. */
const DECOMPOSE = /needs?[\s_-]*(?:decomposition|breakdown|breaking down|splitting)/i;
/** A title tagged for decomposition (`[needs decomposition]`, `#needs-decomposition`). */
const DECOMPOSE_TAG = /[[(#]needs?[\s_-]*decomposition/i;
/** A Type / Kind cell saying epic. */
const EPIC = /^\W*epic\W*$/i;
/** Fields that carry labels or a story's kind. */
const LABEL_FIELD = /^(?:labels?|tags?|type|kind|level|issue type|category)$/i;
/** Fields that say what kind of work a row is (`| Type | … |` with `Epic`). */
const KIND_FIELD = /^(?:type|kind|level|issue type)$/i;

/**
 * What the hierarchy says once every story is known: which stories need decomposition (a status,
 * label or tag `needs decomposition`; an epic by its Type / Kind cell that nothing names as parent),
 * and a warning `parent_done_early` at each parent marked done while a child is open.
 */
function hierarchyChecks(stories: Story[], byId: Map<string, Story>, diagnostics: Diagnostic[]) {
  let openChildren: Map<string, string[]> | null = null;
  const hasChildren = new Set<string>();
  for (let k = 0; k < stories.length; k++) {
    const s = stories[k];
    if (s.parent === null) continue;
    hasChildren.add(s.parent);
    if (OPEN_CATEGORIES.has(s.status.category)) {
      openChildren ??= new Map();
      const list = openChildren.get(s.parent);
      if (list) list.push(s.id);
      else openChildren.set(s.parent, [s.id]);
    }
  }
  for (let k = 0; k < stories.length; k++) {
    const s = stories[k];
    let flag = DECOMPOSE.test(s.status.raw) || DECOMPOSE_TAG.test(s.title);
    let epic = false;
    for (const k in s.fields) {
      const v = s.fields[k];
      if (LABEL_FIELD.test(k.trim()) && DECOMPOSE.test(v)) flag = true;
      if (KIND_FIELD.test(k.trim()) && EPIC.test(v.trim())) epic = true;
    }
    if (!flag && epic && !hasChildren.has(s.id) && OPEN_CATEGORIES.has(s.status.category)) flag = true;
    s.needsDecomposition = flag;
  }
  if (openChildren === null) return;
  for (const [id, open] of openChildren) {
    const p = byId.get(id);
    if (p?.status.category !== 'done') continue;
    diagnostics.push({
      severity: 'warning',
      code: 'parent_done_early',
      message: `${p.id} is marked done, but its children ${open.join(', ')} are not (a parent is done when its children are)`,
      file: p.file,
      line: p.line,
      column: p.column,
      story: p.id,
    });
  }
}

function mergeInto(story: Story, e: Entry, diagnostics: Diagnostic[]) {
  const occ = e.occurrence;
  const primaryIsLog = story.occurrences[0].kind === 'log';
  story.occurrences.push(occ);
  if (occ.status.category !== story.status.category) {
    const first = story.occurrences[0];
    diagnostics.push({
      severity: 'error',
      code: 'duplicate_conflict',
      message: `${story.id} is "${first.status.raw}" at line ${first.line} but "${occ.status.raw}" here`,
      file: occ.file,
      line: occ.line,
      column: occ.column,
      story: story.id,
    });
  } else if (occ.kind !== 'log' && !primaryIsLog) {
    diagnostics.push({
      severity: 'warning',
      code: 'duplicate_id',
      message: `${story.id} also appears at line ${story.occurrences[0].line}`,
      file: occ.file,
      line: occ.line,
      column: occ.column,
      story: story.id,
    });
  }
  if (primaryIsLog && occ.kind !== 'log') {
    // A table row is the better primary: it carries dependencies and the story file.
    story.occurrences.unshift(story.occurrences.pop()!);
    story.status = e.status;
    story.title = e.title || story.title;
    story.deps = unresolved(e);
    story.sectionPath = e.sectionPath;
    story.storyFile = e.storyFile ?? story.storyFile;
    story.file = occ.file;
    story.line = occ.line;
    story.column = occ.column;
  }
  story.title ||= e.title;
  story.owner ??= e.owner;
  story.wave ??= e.wave;
  story.priority ??= e.priority;
  story.effort ??= e.effort;
  story.storyFile ??= e.storyFile;
  for (const [k, v] of Object.entries(e.fields)) if (!(k in story.fields)) story.fields[k] = v;
}

/**
 * Resolve each story's dependency references to ids: the id as written, without a leading `#`, in
 * any case; else, for a story whose id is derived (no id column: `| Component | Status | Depends on |`),
 * its title, in any case, when no other such story has it (`Parser` names `components/parser`), or
 * when only one of those that have it sits under the referring story's own headings (`Parser` in
 * the Build table's `Writer` row names `build/parser`, not `docs/parser`). A title that still names several is
 * `ambiguous_dependency`; what names none is `unknown_dependency` (unless marked done, either way);
 * a story naming itself `self_dependency`; a done mark beside a story that is not done `stale_done_mark`.
 */
function resolveDeps(stories: Story[], byId: Map<string, Story>, diagnostics: Diagnostic[]) {
  // Case-insensitive and title fallbacks, built only when some reference misses.
  let lower: Map<string, string> | null = null;
  let titles: Map<string, string[]> | null = null;
  // The stories a title reference names when it names more than one (set by `find`).
  const miss: { several: string[] | null } = { several: null };
  const find = (ref: string, from: Story): string | null => {
    miss.several = null;
    if (byId.has(ref)) return ref;
    const r = ref.startsWith('#') ? ref.slice(1) : ref;
    if (byId.has(r)) return r;
    if (lower === null) {
      lower = new Map();
      for (const id of byId.keys()) if (!lower.has(id.toLowerCase())) lower.set(id.toLowerCase(), id);
    }
    const hit = lower.get(ref.toLowerCase()) ?? lower.get(r.toLowerCase());
    if (hit !== undefined) return hit;
    if (titles === null) {
      titles = new Map();
      for (const s of stories) {
        if (!s.derivedId) continue;
        const key = s.title.trim().toLowerCase();
        const ids = titles.get(key);
        if (ids) ids.push(s.id);
        else titles.set(key, [s.id]);
      }
    }
    const ids = titles.get(ref.trim().toLowerCase());
    if (!ids) return null;
    if (ids.length === 1) return ids[0];
    // A title two derived stories share names the one under the referring story's own headings, if only one is.
    const near = ids.filter((id) => samePath(byId.get(id)!.sectionPath, from.sectionPath));
    if (near.length === 1) return near[0];
    miss.several = ids;
    return null;
  };
  for (let j = 0; j < stories.length; j++) {
    const s = stories[j];
    // The story's own array (made by `unresolved`), kept in place: the first `kept` are resolved.
    const deps = s.deps;
    let kept = 0;
    for (let k = 0; k < deps.length; k++) {
      const d = deps[k];
      const id = find(d.ref, s);
      const named = miss.several;
      if (id === null && MAYBE_DOCUMENT.has(d)) continue; // a document after all
      // The same story named twice (or the same unknown ref) counts once.
      if (namedBefore(deps, kept, id, d.ref)) continue;
      d.id = id;
      deps[kept++] = d;
      if (id === s.id) {
        diagnostics.push({ severity: 'error', code: 'self_dependency', message: `${s.id} depends on itself`, file: s.file, line: s.line, column: s.column, story: s.id });
      } else if (id === null && !d.markedDone && named) {
        diagnostics.push({
          severity: 'error',
          code: 'ambiguous_dependency',
          message: `${s.id} depends on "${d.ref}", the title of ${named.length} stories (${named.join(', ')}): write the id of the one meant`,
          file: s.file,
          line: s.line,
          column: s.column,
          story: s.id,
        });
      } else if (id === null && !d.markedDone) {
        diagnostics.push({
          severity: 'error',
          code: 'unknown_dependency',
          message: `${s.id} depends on "${d.ref}", which is no story in this queue (mark it ✅ if it is done elsewhere)`,
          file: s.file,
          line: s.line,
          column: s.column,
          story: s.id,
        });
      } else if (id !== null && d.markedDone && byId.get(id)!.status.category !== 'done') {
        diagnostics.push({
          severity: 'warning',
          code: 'stale_done_mark',
          message: `${s.id} marks ${id} done, but ${id} is "${byId.get(id)!.status.raw}"`,
          file: s.file,
          line: s.line,
          column: s.column,
          story: s.id,
        });
      }
    }
    deps.length = kept;
  }
}

/** Whether two heading paths are the same headings, outermost first. */
function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((h, k) => h === b[k]);
}

/** Whether one of the first `kept` resolved dependencies names story `id` (or, for an unknown
 * reference, `ref` again). */
function namedBefore(deps: readonly DependencyRef[], kept: number, id: string | null, ref: string): boolean {
  for (let k = 0; k < kept; k++) {
    const x = deps[k];
    if (id !== null ? x.id === id : x.id === null && x.ref === ref) return true;
  }
  return false;
}
