import { describe, expect, it } from 'vitest';
import { list, record } from '../../src/cli/output.js';
import { render } from '../../src/cli/render.js';
import { createContext } from '../../src/cli/context.js';

const rows = [{ id: 1, name: 'Alice', ok: true }, { id: 2, name: 'Bob\tTab', ok: false }];
const output = list<(typeof rows)[number]>(
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
    expect(JSON.parse(await rendered({ json: true, tty: false, color: false }, list([], [])))).toEqual([]);
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
