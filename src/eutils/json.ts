// Lenient JSON decoding for E-utilities answers. NCBI has been seen putting a raw newline inside a
// JSON string (the retstart-cap ERROR text), which strict JSON.parse refuses (EUTILS.md F8).

const CONTROL_ESCAPES: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };

/** The text with every raw control character inside a JSON string escaped; everything else unchanged. */
export function escapeControlCharsInStrings(text: string): string {
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: the next character is escaped, whatever it is
      else if (c === 34) inString = false;
      else if (c < 0x20) {
        out += text.slice(from, i) + (CONTROL_ESCAPES[c] ?? '\\u' + c.toString(16).padStart(4, '0'));
        from = i + 1;
      }
    } else if (c === 34) {
      inString = true;
    }
  }
  return from === 0 ? text : out + text.slice(from);
}

/** The decoded value of a JSON text, tolerating a BOM and raw control characters in strings; throws SyntaxError otherwise. */
export function decodeJsonLenient(text: string): unknown {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return JSON.parse(escapeControlCharsInStrings(s));
}
