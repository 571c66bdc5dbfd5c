/**
 * The display width the human tables measure with (src/cli/format.ts widthOf): it counts printable
 * ASCII, plain or in picocolors' codes, itself, and must agree with string-width on every string.
 */
import stringWidth from 'string-width';
import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { clip, table, widthOf } from '../../src/cli/format.js';

const colors = pc.createColors(true);
const PIECES = [
  'a',
  'Z',
  ' ',
  '~',
  '#',
  '1',
  '[',
  'm',
  ';',
  '\u001b',
  '\u001b[',
  '\u001b[1m',
  '\u001b[22m',
  '\u001b[1;31m',
  '\u001b[12345m',
  '\u001b[m',
  '\u001b[2K',
  '\u001b]0;t\u0007',
  '\u009b1m',
  '\u0007',
  '\t',
  '\n',
  'é',
  'e\u0301',
  '界',
  '😀',
  '👍🏽',
  '#\ufe0f\u20e3',
  '\u200b',
  '\u00ad',
  colors.bold('S-1'),
  colors.dim('← S-2, S-3'),
  colors.red('held'),
];

describe('widthOf', () => {
  it('agrees with string-width on printable ASCII, colored text, and strings it hands over', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let i = 0; i < 20000; i++) {
      let s = '';
      for (let n = next() % 8; n > 0; n--) s += PIECES[next() % PIECES.length];
      expect(widthOf(s), JSON.stringify(s)).toBe(stringWidth(s));
    }
    for (let c = 0; c < 0x250; c++) expect(widthOf(String.fromCharCode(c)), `U+${c.toString(16)}`).toBe(stringWidth(String.fromCharCode(c)));
  });

  it('pads and clips colored and wide text by columns', () => {
    expect(clip('界界界界', 5)).toBe('界界…');
    expect(
      table(
        [
          [colors.bold('A-1'), 'x'],
          ['😀', 'y'],
        ],
        ['ID', 'T'],
      )
        .split('\n')
        .map((l) => stringWidth(l)),
    ).toEqual([6, 6, 6, 0]);
  });
});
