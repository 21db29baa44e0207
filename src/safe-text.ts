// Text that came from outside (titles, locations, names from Outlook) must not drive the
// terminal it is printed on: an ESC can recolour the screen, move the cursor, clear it, set the
// window title or plant an OSC 8 hyperlink; a backspace or carriage return can overwrite what
// was printed; U+009B is the 8-bit form of CSI; bidirectional overrides reorder what is shown
// (Trojan Source, CVE-2021-42574: https://trojansource.codes/).
//
// `visible` writes every such character the way a JavaScript string literal would:
//   C0 controls U+0000-U+001F (tab, newline and carriage return included), DEL U+007F and the
//   C1 controls U+0080-U+009F as `\xHH` (ESC is `\x1b`, BEL `\x07`, 8-bit CSI `\x9b`);
//   the bidirectional embeddings, overrides and isolates U+202A-U+202E and U+2066-U+2069 as
//   `\uHHHH`.
// Everything else passes through untouched, a backslash included (a Windows path stays
// readable), so a title that already holds the four characters `\x1b` looks like an escaped ESC:
// that is harmless, and `--json` keeps every value exact. Layout characters are the caller's
// business: render.ts turns tab and line breaks into spaces or table lines before calling this.

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_TEST = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function escape(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every control character written out as visible text (see above). */
export function visible(text: string): string {
  return UNSAFE_TEST.test(text) ? text.replace(UNSAFE, escape) : text;
}

/**
 * A JSON text with the characters JSON.stringify leaves raw (DEL, the C1 controls, the bidi
 * controls) written as `\u` escapes: still valid JSON that parses to exactly the same value, but
 * safe to print on a terminal. JSON.stringify already escapes U+0000-U+001F.
 */
export function terminalSafeJson(json: string): string {
  return json.replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
