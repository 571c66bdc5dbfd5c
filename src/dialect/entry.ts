/** The entry: one place in one file that writes a story, before places are merged. Pure. */
import type { ParsedDeps } from './deps.js';
import type { ChecklistItem, Occurrence, Status } from '../domain/types.js';

/** A story as one place in one file says it. Merged into stories by `model/build.ts`. */
export interface Entry {
  /** Id as written, or null when the row or item has none (derived later from section and title). */
  id: string | null;
  title: string;
  status: Status;
  owner: string | null;
  deps: ParsedDeps | null;
  storyFile: string | null;
  priority: string | null;
  effort: string | null;
  wave: string | null;
  fields: Record<string, string>;
  sectionPath: string[];
  /** The enclosing task item's entry, for nested task lists. */
  parent: Entry | null;
  /** The parent as a Parent / Epic cell names it (an id, resolved by `model/build.ts`), else null. */
  parentRef: string | null;
  /** A heading story's check boxes (`tasks.ts` fills it while reading task items). */
  checklist: ChecklistItem[];
  occurrence: Occurrence;
}

/** What every entry has, the rest defaulting to none (no owner, dependencies, fields or parent). */
export type EntryCore = Pick<Entry, 'id' | 'title' | 'status' | 'sectionPath' | 'occurrence'> & Partial<Entry>;

/** An entry from its core: owner, dependencies, story file, priority, effort, wave and parent null,
 * fields and checklist empty, unless given. */
export function entry(core: EntryCore): Entry {
  // One literal in Entry's field order: every entry gets the same hidden class (a spread of `core`
  // would give each a dictionary-mode object, and make reading and building stories several times
  // slower).
  return {
    id: core.id,
    title: core.title,
    status: core.status,
    owner: core.owner ?? null,
    deps: core.deps ?? null,
    storyFile: core.storyFile ?? null,
    priority: core.priority ?? null,
    effort: core.effort ?? null,
    wave: core.wave ?? null,
    fields: core.fields ?? {},
    sectionPath: core.sectionPath,
    parent: core.parent ?? null,
    parentRef: core.parentRef ?? null,
    checklist: core.checklist ?? [],
    occurrence: core.occurrence,
  };
}

const EMPTY_OWNER = /^(?:|-+|—|–|none|nobody|n\/a|unassigned|unclaimed|unowned|open|anyone|tbd|tba|\?)$/i;

/** An Owner cell or field as written, or null when it says nobody (`—`, `none`, `unassigned`, `unclaimed`, `anyone`, `TBD`). */
export function ownerOf(text: string): string | null {
  return EMPTY_OWNER.test(text.trim()) ? null : text.trim();
}
