import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';

const EVIL = '\x1b[31mPWNED\x1b]8;;http://evil\x07\u009b2J';

function logged(json: boolean): string {
  let out = '';
  const log = createLogger({ verbose: true, json, write: (line) => (out += line), now: () => new Date('2026-12-01T09:00:00Z') });
  log.warn(`pulled "${EVIL}"\ninfo: forged line`, { title: EVIL });
  return out;
}

describe('log lines', () => {
  it('a human line shows an Outlook title with its controls written out and stays one line', () => {
    const line = logged(false);
    expect(line).toBe('warn: pulled "\\x1b[31mPWNED\\x1b]8;;http://evil\\x07\\x9b2J"\\x0ainfo: forged line {"title":"\\u001b[31mPWNED\\u001b]8;;http://evil\\u0007\\x9b2J"}\n');
    expect(line.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it('a JSON line keeps the exact title', () => {
    const line = logged(true);
    expect(line.split('\n').filter(Boolean)).toHaveLength(1);
    expect(JSON.parse(line)).toMatchObject({ level: 'warn', title: EVIL, message: `pulled "${EVIL}"\ninfo: forged line` });
  });
});

describe('JSON log lines on a terminal', () => {
  it('write DEL, C1 and bidi controls as \\u escapes, and still parse to the exact message', async () => {
    const { createLogger } = await import('../../src/log.js');
    const lines: string[] = [];
    const log = createLogger({ verbose: false, json: true, write: (l) => lines.push(l), now: () => new Date(0) });
    const title = 'x\u009b2J\u202ey\u007f';
    log.warn(`skipped ${title}`);
    expect(lines[0]).not.toMatch(/[\u007f-\u009f\u202a-\u202e]/);
    expect(JSON.parse(lines[0]!).message).toBe(`skipped ${title}`);
  });
});
