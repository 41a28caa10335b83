// Source positions in the shape the Language Server Protocol uses (0-based line and character),
// plus the absolute offset, which code frames and the pretty-printer tests need.

/** A place in a text: 0-based line and UTF-16 column (LSP's), and the offset. */
export interface Position {
  /** 0-based line. */
  readonly line: number;
  /** 0-based UTF-16 column, as LSP counts it. */
  readonly character: number;
  /** 0-based UTF-16 offset into the whole text. */
  readonly offset: number;
}

/** A span of a text, start inclusive, end exclusive. */
export interface Range {
  readonly start: Position;
  /** Exclusive end. */
  readonly end: Position;
}

/** A file the front end has read: its URI (a path for files on disk) and its text. */
export interface SourceFile {
  readonly uri: string;
  readonly text: string;
}

/** A range in a file. */
export interface Location {
  readonly uri: string;
  readonly range: Range;
}

/** Computes line starts once so that offset → position is a binary search. */
export class LineMap {
  private readonly starts: number[];

  constructor(readonly text: string) {
    this.starts = [0];
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  position(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: clamped - this.starts[lo], offset: clamped };
  }

  range(startOffset: number, endOffset: number): Range {
    return { start: this.position(startOffset), end: this.position(Math.max(startOffset, endOffset)) };
  }

  lineText(line: number): string {
    const start = this.starts[line] ?? this.text.length;
    const next = this.starts[line + 1];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, "");
  }
}

export const emptyRange: Range = {
  start: { line: 0, character: 0, offset: 0 },
  end: { line: 0, character: 0, offset: 0 },
};

/** The smallest range covering both. */
export function spanRanges(a: Range, b: Range): Range {
  return {
    start: a.start.offset <= b.start.offset ? a.start : b.start,
    end: a.end.offset >= b.end.offset ? a.end : b.end,
  };
}
