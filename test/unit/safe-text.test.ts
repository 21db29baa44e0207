import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { terminalSafeJson, visible } from '../../src/safe-text.js';

/** Every character that may drive a terminal or reorder what it shows. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Text weighted towards the ranges that matter: Latin-1 (C0, DEL, C1), the punctuation block
 * holding the bidi controls, and any code point at all (lone surrogates included). */
const char = fc.oneof(
  fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x2000, max: 0x206f }).map((c) => String.fromCharCode(c)),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
const anyText = (maxLength: number) => fc.string({ unit: char, maxLength });

describe('visible', () => {
  it('writes an SGR colour sequence out as text', () => {
    expect(visible('\x1b[31mPWNED\x1b[0m')).toBe('\\x1b[31mPWNED\\x1b[0m');
  });

  it('writes an OSC 8 hyperlink out as text, its ESC and BEL both visible', () => {
    expect(visible('\x1b]8;;http://evil\x07click\x1b]8;;\x07')).toBe('\\x1b]8;;http://evil\\x07click\\x1b]8;;\\x07');
  });

  it('writes cursor moves, screen clears and window-title sequences out as text', () => {
    expect(visible('\x1b[2J\x1b[H\x1b[10A\x1b]0;owned\x07')).toBe('\\x1b[2J\\x1b[H\\x1b[10A\\x1b]0;owned\\x07');
  });

  it('shows backspace, carriage return, NUL and the other C0 controls, tab and newline included', () => {
    expect(visible('paid\b\b\b\bdue')).toBe('paid\\x08\\x08\\x08\\x08due');
    expect(visible('ok\rFAKE')).toBe('ok\\x0dFAKE');
    expect(visible('a\u0000b\tc\nd\u001f')).toBe('a\\x00b\\x09c\\x0ad\\x1f');
  });

  it('shows DEL and the C1 controls, the 8-bit CSI U+009B included', () => {
    expect(visible('\u009b31mred')).toBe('\\x9b31mred');
    expect(visible('\u007f\u0080\u0085\u009d\u009f')).toBe('\\x7f\\x80\\x85\\x9d\\x9f');
  });

  it('shows bidirectional overrides, embeddings and isolates (Trojan Source)', () => {
    expect(visible('invoice\u202Efdp.exe')).toBe('invoice\\u202efdp.exe');
    expect(visible('\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069')).toBe('\\u202a\\u202b\\u202c\\u202d\\u2066\\u2067\\u2068\\u2069');
  });

  it('leaves printable text alone: accents, other scripts, emoji, a Windows path, the marks RTL text uses', () => {
    for (const text of ['Réunion à 9h', '会議 – Besprechung', 'Trial 🏛️', 'C:\\cases\\reyes', 'שלום\u200f עולם', '']) {
      expect(visible(text)).toBe(text);
    }
  });

  it('never lets a control character through, whatever the input (property)', () => {
    fc.assert(
      fc.property(anyText(200), (text) => {
        expect(visible(text)).not.toMatch(UNSAFE);
      }),
      { numRuns: 500 },
    );
  });

  it('is the identity on safe text and idempotent on any text (property)', () => {
    fc.assert(
      fc.property(anyText(100), (text) => {
        const once = visible(text);
        expect(visible(once)).toBe(once);
        if (!UNSAFE.test(text)) expect(once).toBe(text);
      }),
    );
  });
});

describe('terminalSafeJson', () => {
  it('escapes what JSON.stringify leaves raw, and the document parses to the same value', () => {
    const value = { title: '\u009b2J\u007f\u202e \x1b[31m', n: 1 };
    const json = terminalSafeJson(JSON.stringify(value));
    expect(json).toBe('{"title":"\\u009b2J\\u007f\\u202e \\u001b[31m","n":1}');
    expect(JSON.parse(json)).toEqual(value);
  });

  it('keeps every value exact and lets no control character through (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), anyText(50), (value, text) => {
        for (const v of [value, { text }]) {
          const json = terminalSafeJson(JSON.stringify(v, null, 2));
          expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(v)));
          expect(json.replace(/\n/g, '')).not.toMatch(UNSAFE);
        }
      }),
    );
  });
});
