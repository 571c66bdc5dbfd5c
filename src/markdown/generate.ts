/**
 * The Markdown queue generates (generated blocks, status-board sections, handoff bodies,
 * scaffolds), built as mdast trees and serialized by `mdast-util-to-markdown` with the GFM
 * extensions: escaping (a `|` in a cell, a `*` in a section name) and inline formatting are the
 * library's, not hand-written string code. What people wrote is never re-serialized here: the
 * surgical edits of their text stay byte splices (edit/). Pure.
 *
 * A story title is Markdown inline text as written in the queue: {@link inline} parses it into
 * phrasing content, so its `code`, *emphasis* and links survive into a generated table.
 */
import type { Emphasis, Heading, InlineCode, List, Paragraph, PhrasingContent, RootContent, Strong, Table, TableCell, Text } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown, gfmToMarkdown } from 'mdast-util-gfm';
import { toMarkdown, type Options } from 'mdast-util-to-markdown';
import { gfm } from 'micromark-extension-gfm';

/** A cell's or a paragraph's content: phrasing nodes, or a plain string (a text node). */
export type Inline = string | PhrasingContent | ReadonlyArray<string | PhrasingContent>;

const OPTIONS: Options = {
  bullet: '-',
  emphasis: '_',
  strong: '*',
  fence: '`',
  fences: true,
  rule: '-',
  listItemIndent: 'one',
  extensions: [gfmToMarkdown({ tablePipeAlign: false })],
};

const phrasing = (x: Inline): PhrasingContent[] =>
  (typeof x === 'string' || !Array.isArray(x) ? [x as string | PhrasingContent] : (x as Array<string | PhrasingContent>)).map((n) => (typeof n === 'string' ? text(n) : n));

/** A text node (the serializer escapes what would read as markup). */
export function text(value: string): Text {
  return { type: 'text', value };
}

/** `**…**`. */
export function strong(...children: Inline[]): Strong {
  return { type: 'strong', children: children.flatMap(phrasing) };
}

/** `_…_`. */
export function emphasis(...children: Inline[]): Emphasis {
  return { type: 'emphasis', children: children.flatMap(phrasing) };
}

/** `` `…` ``. */
export function code(value: string): InlineCode {
  return { type: 'inlineCode', value };
}

/** A paragraph of `children`. */
export function paragraph(...children: Inline[]): Paragraph {
  return { type: 'paragraph', children: children.flatMap(phrasing) };
}

/**
 * Markdown inline text (a story title as written) as phrasing content: `code`, emphasis, links and
 * inline HTML kept. Line breaks are read as spaces (a title is one line); text that would parse as
 * more than one paragraph, or as no paragraph (a title `# x`), is kept as plain text.
 */
export function inline(markdown: string): PhrasingContent[] {
  const one = markdown.replace(/\r?\n|\r/g, ' ').trim();
  if (one === '') return [];
  const root = fromMarkdown(one, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
  const only = root.children.length === 1 ? root.children[0] : null;
  return only?.type === 'paragraph' ? only.children : [text(one)];
}

/** Markdown blocks (a person's notes, as written) as mdast block content. */
export function blocks(markdown: string): RootContent[] {
  return fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }).children;
}

/** A heading of `depth` (1–6). */
export function heading(depth: 1 | 2 | 3 | 4 | 5 | 6, ...children: Inline[]): Heading {
  return { type: 'heading', depth, children: children.flatMap(phrasing) };
}

/** A bullet list, an item a paragraph of each entry. */
export function bulletList(items: readonly Inline[]): List {
  return { type: 'list', ordered: false, spread: false, children: items.map((x) => ({ type: 'listItem', spread: false, children: [paragraph(x)] })) };
}

/**
 * A GFM table: `header` as its first row, `rows` under it; every cell inline content. The
 * delimiter row is as wide as each heading (`|-------|`), as queue has always written it.
 */
export function table(header: readonly string[], rows: ReadonlyArray<readonly Inline[]>): Table {
  const cell = (x: Inline): TableCell => ({ type: 'tableCell', children: phrasing(x) });
  return {
    type: 'table',
    align: header.map(() => null),
    children: [header, ...rows].map((r) => ({ type: 'tableRow', children: r.map(cell) })),
  };
}

/** `nodes` as Markdown lines (no trailing line ending): blocks separated by a blank line. */
export function markdownLines(nodes: readonly RootContent[]): string[] {
  if (nodes.length === 0) return [];
  const out = toMarkdown({ type: 'root', children: [...nodes] }, OPTIONS).replace(/\n$/, '');
  const lines = out.split('\n');
  // The delimiter row of each table as wide as its headings (the serializer writes `| - |`).
  for (let i = 1; i < lines.length; i++) {
    const starts = i === 1 || lines[i - 2] === '';
    if (!starts || !/^\|(?: :?-+:? \|)+$/.test(lines[i]) || !lines[i - 1].startsWith('|')) continue;
    const head = splitRow(lines[i - 1]);
    const dashes = splitRow(lines[i]);
    if (head.length === dashes.length) lines[i] = `|${head.map((h) => '-'.repeat(h.length + 2)).join('|')}|`;
  }
  return lines;
}

/** The cells of a serialized row (`\|` is no boundary). */
function splitRow(line: string): string[] {
  return line
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

/** One phrasing run (a line's content) as Markdown: text escaped where it would read as markup. */
export function inlineMarkdown(...children: Inline[]): string {
  return markdownLines([paragraph(...children)]).join(' ');
}
