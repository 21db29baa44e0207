import { describe, expect, it } from 'vitest';
import { listing, message, record } from '../../src/cli/output.js';
import { render } from '../../src/cli/render.js';
import { createContext } from '../../src/cli/context.js';

const rows = [{ id: 1, name: 'Alice', ok: true }, { id: 2, name: 'Bob\tTab', ok: false }];
const output = listing<(typeof rows)[number]>(
  [
    { header: 'ID', value: (r) => String(r.id) },
    { header: 'NAME', value: (r) => r.name, tone: (r) => (r.ok ? 'good' : 'bad') },
  ],
  rows,
);

async function rendered(opts: { json?: boolean; tty: boolean; color: boolean }, out = output): Promise<string> {
  let text = '';
  await render(out, { json: opts.json ?? false, tty: opts.tty, color: opts.color, write: (t) => (text += t) });
  return text;
}

describe('render', () => {
  it('draws a table with colour on a TTY', async () => {
    const text = await rendered({ tty: true, color: true });
    expect(text).toContain('┌');
    expect(text).toContain('\u001b[32mAlice');
    expect(text).toContain('\u001b[31mBob');
  });

  it('draws no colour on a TTY when colour is off', async () => {
    const text = await rendered({ tty: true, color: false });
    expect(text).toContain('┌');
    expect(text).not.toContain('\u001b[');
  });

  it('prints the same columns tab-separated in a pipe, one cell per value', async () => {
    expect(await rendered({ tty: false, color: true })).toBe('1\tAlice\n2\tBob Tab\n');
  });

  it('prints exactly the JSON document with --json, whatever the terminal', async () => {
    expect(JSON.parse(await rendered({ json: true, tty: true, color: true }))).toEqual(rows);
    expect(JSON.parse(await rendered({ json: true, tty: false, color: false }, listing([], [])))).toEqual([]);
  });

  it('shows records as aligned fields on a TTY and field<TAB>value in a pipe', async () => {
    const r = record([['plan', 'growth'], ['time zone', 'UTC']], {});
    expect(await rendered({ tty: true, color: false }, r)).toBe('plan       growth\ntime zone  UTC\n');
    expect(await rendered({ tty: false, color: false }, r)).toBe('plan\tgrowth\ntime zone\tUTC\n');
  });

  it('turns colour off for NO_COLOR and --no-color', () => {
    const io = (env: Record<string, string>) => ({ stdout: () => {}, stderr: () => {}, stdoutIsTTY: true, stderrIsTTY: true, env: { HOME: '/nonexistent', ...env } });
    const signal = new AbortController().signal;
    expect(createContext({}, io({}), signal).color).toBe(true);
    expect(createContext({}, io({ NO_COLOR: '1' }), signal).color).toBe(false);
    expect(createContext({ color: false }, io({}), signal).color).toBe(false);
  });
});

describe('render keeps control characters from the terminal', () => {
  const EVIL = '\x1b[31mPWNED\x1b]8;;http://evil\x07';
  const SHOWN = '\\x1b[31mPWNED\\x1b]8;;http://evil\\x07';
  const events = [
    { id: 1, title: EVIL, location: 'Court\u009b2J 4' },
    { id: 2, title: 'Hearing', location: 'Room 1' },
  ];
  const eventList = listing<(typeof events)[number]>(
    [
      { header: 'ID', value: (e) => String(e.id) },
      { header: 'TITLE', value: (e) => e.title, tone: () => 'warn' },
      { header: 'LOCATION', value: (e) => e.location },
    ],
    events,
  );
  /** What remains once the SGR colour codes our own painter adds are taken out. */
  const withoutOurColour = (text: string) => text.replace(/\x1b\[\d+m/g, '');
  const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

  it('a TTY table shows the title with its escapes written out, no ESC or BEL, still aligned', async () => {
    const plain = await rendered({ tty: true, color: false }, eventList);
    expect(plain).toContain(SHOWN);
    expect(plain).toContain('Court\\x9b2J 4');
    expect(plain).not.toMatch(CONTROL);
    const widths = new Set(plain.trimEnd().split('\n').map((line) => line.length));
    expect(widths.size).toBe(1);

    const coloured = await rendered({ tty: true, color: true }, eventList);
    expect(coloured).toContain('\x1b[33m'); // our own yellow is still there
    expect(withoutOurColour(coloured)).not.toMatch(CONTROL);
    expect(withoutOurColour(coloured)).toBe(plain);
  });

  it('tab-separated pipe lines show the escapes as text, one row a line', async () => {
    expect(await rendered({ tty: false, color: true }, eventList)).toBe(`1\t${SHOWN}\tCourt\\x9b2J 4\n2\tHearing\tRoom 1\n`);
  });

  it('a record shows the title safely on a TTY and in a pipe, and its notes too', async () => {
    const r = record([['title', EVIL], ['location', 'a\u202eb']], {}, [`note about ${EVIL}`]);
    expect(await rendered({ tty: true, color: false }, r)).toBe(`title     ${SHOWN}\nlocation  a\\u202eb\nnote about ${SHOWN}\n`);
    expect(await rendered({ tty: false, color: false }, r)).toBe(`title\t${SHOWN}\nlocation\ta\\u202eb\nnote\tnote about ${SHOWN}\n`);
    expect(withoutOurColour(await rendered({ tty: true, color: true }, r))).not.toMatch(CONTROL);
  });

  it('a message is shown safely, its own line breaks kept', async () => {
    const m = message(`Connected ${EVIL}\nnext line`, {});
    expect(await rendered({ tty: false, color: false }, m)).toBe(`Connected ${SHOWN}\nnext line\n`);
    expect(await rendered({ tty: true, color: false }, m)).toBe(`Connected ${SHOWN}\nnext line\n`);
  });

  it('a multi-line record value continues under the value column on a TTY, on one line in a pipe', async () => {
    const r = record([['id', '1'], ['description', 'first\r\nsecond\tcol\rover']], {});
    expect(await rendered({ tty: true, color: false }, r)).toBe('id           1\ndescription  first\n             second col\\x0dover\n');
    expect(await rendered({ tty: false, color: false }, r)).toBe('id\t1\ndescription\tfirst second col over\n');
  });

  it('--json keeps the exact title, and the raw output still carries no ESC, BEL or 8-bit CSI', async () => {
    const json = await rendered({ json: true, tty: true, color: true }, eventList);
    expect(JSON.parse(json)).toEqual(events);
    expect(JSON.parse(json)[0].title).toBe(EVIL);
    expect(json).not.toMatch(CONTROL);
  });

  it('a column with a short form: the TTY table shows it and the notes follow; a pipe has the full value', async () => {
    const rows = [{ who: 'alice', warnings: ['sign-in expired', 'breaker held 30 deletions'] }, { who: 'bob', warnings: [] as string[] }];
    const out = listing<(typeof rows)[number]>(
      [
        { header: 'STAFF', value: (r) => r.who },
        { header: 'WARNINGS', value: (r) => r.warnings.join(' | '), short: (r) => String(r.warnings.length) },
      ],
      rows,
      rows,
      'none',
      rows.flatMap((r) => r.warnings.map((w) => `warning: ${r.who}: ${w}`)),
    );
    const tty = await rendered({ tty: true, color: false }, out);
    expect(tty).toMatch(/│ alice │ 2 +│/);
    expect(tty.endsWith('┘\nwarning: alice: sign-in expired\nwarning: alice: breaker held 30 deletions\n')).toBe(true);
    expect(await rendered({ tty: false, color: false }, out)).toBe('alice\tsign-in expired | breaker held 30 deletions\nbob\t\n');
  });
});
