// Text from PubMed, imported files, notes and other reviewers is printed to terminals, and a terminal
// obeys control characters: ESC starts sequences that clear the screen, set the window title or make
// hyperlinks (OSC 8), BS and CR overwrite what is shown, and C1 controls such as U+009B (CSI) do the same
// as ESC-sequences in many terminals. So every data field is passed through `visibleText` before it
// becomes human-readable output, before it is cut, wrapped or coloured: a cut then never splits a
// sequence (each control becomes one visible character), and colour codes added after it still work.

// C0 (U+0000-U+001F), DEL (U+007F) and C1 (U+0080-U+009F).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * One control character as a visible stand-in: C0 as its Unicode Control Picture (ESC -> ␛, BEL -> ␇,
 * LF -> ␊, TAB -> ␉), DEL as ␡, and C1, which has no picture, as the replacement character �.
 */
function picture(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return '\u2421';
  return '\ufffd';
}

/**
 * The text with every C0 control, DEL and C1 control replaced by one visible character (see `picture`),
 * so that it cannot move the cursor, clear the screen, set a title, make a link or forge an output line.
 * With `multiline` (an abstract) line breaks are kept and a CRLF is read as one; otherwise newlines are
 * made visible too, so that a title or a note stays on its line.
 */
export function visibleText(s: string, multiline = false): string {
  if (!CONTROL.test(s)) return s;
  const text = multiline ? s.replace(/\r\n/g, '\n') : s;
  return text.replace(CONTROLS, (ch) => (multiline && ch === '\n' ? ch : picture(ch)));
}

/** Fields whose line breaks are the data's own paragraphs, kept by `visibleData`. */
const MULTILINE_FIELDS: ReadonlySet<string> = new Set(['abstract']);

/**
 * A copy of a view (plain objects, arrays, strings, numbers) with every string passed through
 * `visibleText`; an abstract keeps its line breaks. What holds no control character is returned as it
 * is, and an object that appears twice is copied once, so identity comparisons in a renderer still hold.
 */
export function visibleData<T>(value: T): T {
  const copies = new Map<object, unknown>();
  const walk = (v: unknown, key: string | undefined): unknown => {
    if (typeof v === 'string') return visibleText(v, key !== undefined && MULTILINE_FIELDS.has(key));
    if (v === null || typeof v !== 'object') return v;
    if (copies.has(v)) return copies.get(v);
    if (Array.isArray(v)) {
      const items = v.map((x) => walk(x, undefined));
      const out = items.some((x, i) => x !== v[i]) ? items : v;
      copies.set(v, out);
      return out;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) return v;
    let changed = false;
    const entries = Object.entries(v).map(([k, x]) => {
      const y = walk(x, k);
      if (y !== x) changed = true;
      return [k, y] as const;
    });
    const out = changed ? Object.fromEntries(entries) : v;
    copies.set(v, out);
    return out;
  };
  return walk(value, undefined) as T;
}

/**
 * The value as indented JSON text in which DEL and C1 controls are escaped too (`\u009b`), as
 * JSON.stringify escapes only C0: the same document for any JSON reader, and nothing a terminal obeys.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
