// The program is built for its command line: the command named is registered in full, the rest
// are listed from a table. What users see must not tell the two apart.
import { describe, expect, it } from 'vitest';
import type { Io } from '../../../src/cli/context.js';
import { buildProgram } from '../../../src/cli/program.js';

const io: Io = { stdout: () => {}, stderr: () => {}, stdoutIsTTY: false, stderrIsTTY: false, env: {} };
const runner = async () => {};

describe('the program for a command line', () => {
  it("the root's help from the table is the root's help of the whole tree, word for word", async () => {
    const whole = await buildProgram(runner, io);
    const listed = await buildProgram(runner, io, ['--help']);
    expect(listed.commands.every((c) => c.commands.length === 0)).toBe(true);
    expect(listed.helpInformation()).toBe(whole.helpInformation());
    expect(listed.commands.map((c) => c.name())).toEqual(whole.commands.map((c) => c.name()));
    expect(listed.commands.map((c) => c.description())).toEqual(whole.commands.map((c) => c.description()));
  });

  it('registers only the command named, in full, wherever it stands among the global options', async () => {
    const events = await buildProgram(runner, io, ['--db', 'events', '--json', 'events', 'list', '--staff', 'a@b.example']);
    expect(events.commands.map((c) => c.name())).toEqual(['events']);
    expect(events.commands[0]!.commands.map((c) => c.name())).toEqual(['add', 'update', 'delete', 'list', 'show']);
    // The value of --db is not a command.
    expect((await buildProgram(runner, io, ['--db', 'events'])).commands.every((c) => c.commands.length === 0)).toBe(true);
  });

  it('`help X` registers X; a module that registers two commands registers both once', async () => {
    const help = await buildProgram(runner, io, ['help', 'disconnect']);
    expect(help.commands.map((c) => c.name())).toEqual(['connect', 'disconnect']);
    const explain = await buildProgram(runner, io, ['explain', '12']);
    expect(explain.commands.map((c) => c.name())).toEqual(['plan', 'explain']);
  });

  it('`help` and a word that names no command is a usage error with a suggestion, not the root help', async () => {
    await expect(buildProgram(runner, io, ['--json', 'help', 'evnts'])).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/^no help for unknown command 'evnts' \(did you mean events\?\); allowed: firm, staff, /),
      hint: 'see: caseflow-outlook --help',
    });
  });

  it('an unknown command gets the whole list to suggest from', async () => {
    const typo = await buildProgram(runner, io, ['evnts']);
    expect(typo.commands.map((c) => c.name())).toContain('events');
    expect(typo.commands).toHaveLength((await buildProgram(runner, io)).commands.length);
  });
});
