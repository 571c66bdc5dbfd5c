/**
 * The plain text of an mdast node, as `mdast-util-to-string` gives it (values, image alts, children
 * in order), walked with a stack of its own: however deep the tree, the call stack stays flat.
 */
import type { Nodes } from 'mdast';

/** The text of `node`: a `value` (text, code, HTML), else a non-empty `alt`, else its children's text. */
export function plainText(node: Nodes): string {
  let out = '';
  const stack: Nodes[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if ('value' in n) out += n.value ?? '';
    else if ('alt' in n && n.alt) out += n.alt;
    else if ('children' in n) for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i] as Nodes);
  }
  return out;
}
