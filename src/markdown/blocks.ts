/**
 * The block-level facts queue needs from a Markdown document, independent of how they were found.
 *
 * Two front ends produce a {@link DocBlocks}: the fast line scanner (`scan.ts`) and remark
 * (`remark.ts`, unified + remark-parse + remark-gfm). They must agree exactly; the differential test
 * (test/markdown/differential.test.ts) proves it over real queue files and generated documents.
 *
 * Offsets are UTF-16 code-unit indices into the document text *after* a leading BOM is removed
 * (see `read.ts`, which reports the BOM length); lines and columns are 1-based, as in unist.
 */

/** One table cell. `start`/`end` bound its content (remark: first child start .. last child end),
 * so splicing `[start, end)` leaves pipes and padding untouched. For an empty cell `start === end`
 * is the insertion point: just after the cell's leading `|` and one space when present. */
export interface RawCell {
  /** Plain text of the cell, as mdast-util-to-string gives it. */
  text: string;
  start: number;
  end: number;
}

/** One table row (header or body), as GFM splits it. */
export interface RawRow {
  line: number;
  column: number;
  start: number;
  end: number;
  cells: RawCell[];
}

/** A GFM table anywhere in the document. */
export interface RawTable {
  header: RawRow;
  rows: RawRow[];
  start: number;
  end: number;
}

/** A root-level heading (ATX or setext). */
export interface RawHeading {
  depth: number;
  text: string;
  line: number;
  start: number;
}

/** A GFM task-list item (`- [ ] text`, `1. [x] text`) anywhere in the document. */
export interface RawTask {
  checked: boolean;
  /** Plain text of the item's first paragraph, line endings folded to spaces. */
  text: string;
  line: number;
  column: number;
  start: number;
  /** Offset of the `[` of the check box, for surgical edits. */
  box: number;
  /** Offsets of the first paragraph's content. */
  textStart: number;
  textEnd: number;
  /** Where the whole item (nested items and later paragraphs included) ends. */
  end: number;
  /** Index in `tasks` of the nearest enclosing task item, or -1. */
  parent: number;
}

/** Everything queue reads from one Markdown document. Arrays are in document order. */
export interface DocBlocks {
  tables: RawTable[];
  headings: RawHeading[];
  tasks: RawTask[];
}
