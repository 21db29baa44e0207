// How long pending writes take at Graph's pace, in words: the status text and a run's progress
// line (the spinner on a terminal, one part per staff member; a log line at most once a minute
// elsewhere).

import { describe, expect, it } from 'vitest';
import { createContext, type Io } from '../../../src/cli/context.js';
import { duration, PaceReport, paceText, waitText } from '../../../src/cli/pace.js';
import type { Staff } from '../../../src/store/staff.js';

function context(tty: boolean) {
  const out = { stderr: '' };
  const io: Io = { stdout: () => {}, stderr: (t) => (out.stderr += t), stdoutIsTTY: tty, stderrIsTTY: tty, env: { HOME: '/nonexistent', CASEFLOW_CONFIG: '' } };
  return { ctx: createContext({ json: false, color: false }, io, new AbortController().signal), out };
}

const staff = (email: string) => ({ id: 1, email, name: email }) as unknown as Staff;

describe('pace', () => {
  it('says how many writes and about how long', () => {
    expect(paceText(1_240, 4 * 60_000 - 10_000)).toBe("1,240 writes pending: about 4 min at Graph's pace");
    expect(paceText(1, 1_200)).toBe("1 write pending: about 2 s at Graph's pace");
    expect([duration(400), duration(59_000), duration(90_000), duration(3_600_000), duration(3_900_000)]).toEqual(['1 s', '59 s', '2 min', '1 h', '1 h 5 min']);
  });

  it('on a terminal, one spinner line with a part per staff member, cleared when the last run ends', async () => {
    const { ctx, out } = context(true);
    const pace = await PaceReport.onTerminal(ctx);
    pace.for(staff('alice@firm.example'))({ pending: 1_240, etaMs: 240_000 });
    pace.for(staff('bob@firm.example'))({ pending: 30, etaMs: 20_000 });
    expect(out.stderr).toContain("alice@firm.example: 1,240 writes pending: about 4 min at Graph's pace; bob@firm.example: 30 writes pending: about 20 s at Graph's pace");
    pace.done(staff('alice@firm.example'));
    pace.done(staff('bob@firm.example'));
    expect(out.stderr.endsWith('\x1b[?25h')).toBe(true);
    pace.stop();
  });

  it('a read waiting on the budget says so on the same line, until the writes say their pace', async () => {
    expect(waitText(480_500)).toBe("Graph's request budget for this mailbox is spent: the next request goes out in about 8 min");
    const { ctx, out } = context(true);
    const pace = await PaceReport.onTerminal(ctx);
    const alice = pace.for(staff('alice@firm.example'));
    alice({ waitingMs: 480_500 });
    expect(out.stderr).toContain("alice@firm.example: Graph's request budget for this mailbox is spent: the next request goes out in about 8 min");
    alice({ pending: 30, etaMs: 20_000 });
    expect(out.stderr).toContain("alice@firm.example: 30 writes pending: about 20 s at Graph's pace");
    pace.done(staff('alice@firm.example'));
    pace.stop();
  });

  it('elsewhere, an info line at most once a minute per staff member', async () => {
    const { ctx, out } = context(false);
    const pace = await PaceReport.onTerminal(ctx);
    const alice = pace.for(staff('alice@firm.example'));
    alice({ pending: 100, etaMs: 60_000 });
    alice({ pending: 80, etaMs: 50_000 });
    pace.for(staff('bob@firm.example'))({ pending: 5, etaMs: 3_000 });
    const lines = out.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain("alice@firm.example: 100 writes pending: about 1 min at Graph's pace");
    expect(lines[1]).toContain('bob@firm.example: 5 writes pending');
  });
});
