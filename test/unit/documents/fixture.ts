// Fixture strings: `|` marks the cursor, `«…»` marks an expected span. Both are removed from the text.
export interface Fixture {
  text: string;
  /** Offset of `|`, or -1. */
  cursor: number;
  /** Spans of `«…»` in order, as offsets into the cleaned text. */
  spans: { start: number; end: number; text: string }[];
}

export function fixture(source: string, markers = { cursor: '|', open: '«', close: '»' }): Fixture {
  let text = '';
  let cursor = -1;
  const spans: Fixture['spans'] = [];
  const open: number[] = [];
  for (const ch of source) {
    if (ch === markers.cursor) cursor = text.length;
    else if (ch === markers.open) open.push(text.length);
    else if (ch === markers.close) {
      const start = open.pop()!;
      spans.push({ start, end: text.length, text: text.slice(start) });
    } else text += ch;
  }
  spans.sort((a, b) => a.start - b.start);
  return { text, cursor, spans };
}

/** For sources where `|` is content (Markdown tables): the cursor is `‸`. */
export function fixtureCaret(source: string): Fixture {
  return fixture(source, { cursor: '‸', open: '«', close: '»' });
}
