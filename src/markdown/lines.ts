/** Line index over a text: offsets of line starts, and offset → line/column (1-based, UTF-16). */
export class LineIndex {
  /** Offset of the first character of each line; a line ends before `\n`, `\r\n` or `\r`. */
  readonly starts: number[];
  /** Offset where each line's content ends (before its line ending). */
  readonly ends: number[];

  constructor(readonly text: string) {
    const starts = [0];
    const ends: number[] = [];
    const n = text.length;
    if (!text.includes('\r')) {
      // The common case: `\n` endings only, found by the engine's own search.
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
        ends.push(i);
        starts.push(i + 1);
      }
    } else {
      for (let i = 0; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c === 10 || c === 13) {
          ends.push(i);
          if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
          starts.push(i + 1);
        }
      }
    }
    ends.push(n);
    this.starts = starts;
    this.ends = ends;
  }

  get count(): number {
    return this.starts.length;
  }

  /** The text of line `i` (0-based), without its line ending. */
  line(i: number): string {
    return this.text.slice(this.starts[i], this.ends[i]);
  }

  /** 1-based line and column of an offset. */
  locate(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
}
