// A firm wired to a running simulator: sandboxed store, CLI env pointing at the simulator,
// staff members connected by device code (auto-approved). For sync integration tests.

import { expect } from 'vitest';
import { sandbox, type Sandbox } from './cli.js';
import { startTestSimulator, type Simulator } from './sim.js';

/** The tool's clock in sync tests (the sync window starts at the start of this day). */
export const WORLD_NOW = '2026-11-20T12:00:00.000Z';

/** The environment that points the CLI at a simulator, on the tests' clock. */
export function worldEnv(sim: Simulator): Record<string, string> {
  return {
    CASEFLOW_AUTHORITY_HOST: sim.url,
    CASEFLOW_GRAPH_URL: sim.url,
    CASEFLOW_CLIENT_ID: '0b6f5d3c-9a1e-4c2b-8d7f-3e5a1c9b7d20',
    CASEFLOW_RETRY_BASE_MS: '5',
    // The tests' events are dated December 2026: a fixed clock keeps them inside the sync window
    // whatever day the suite runs.
    CASEFLOW_NOW: WORLD_NOW,
  };
}

export interface World {
  sim: Simulator;
  sb: Sandbox;
  /** Runs the CLI and expects exit 0; returns parsed --json output. */
  ok: <T = any>(args: string[]) => Promise<T>;
  /** Graph requests the simulator served for a mailbox since the last `resetMetrics`. */
  requests: (email: string) => number;
  stop: () => Promise<void>;
}

export async function world(
  staff: string[] = ['alice@firm.example'],
  opts: Parameters<typeof startTestSimulator>[0] = {},
  mode: { inProcess?: boolean } = {},
): Promise<World> {
  const sim = await startTestSimulator(opts);
  const sb = sandbox(worldEnv(sim), mode);

  const ok = async <T,>(args: string[]): Promise<T> => {
    const r = await sb.json(args);
    expect(r.code, `${args.join(' ')}\n${r.stderr}\n${r.stdout}`).toBe(0);
    return r.body as T;
  };
  await ok(['firm', 'set', '--plan', 'multi-practice', '--outlook-beta', 'on', '--time-zone', 'Europe/London']);
  for (const email of staff) {
    sim.control.addUser({ email, name: email.split('@')[0]! });
    await ok(['staff', 'add', '--email', email, '--name', email.split('@')[0]!]);
    sim.control.setAutoApprove(email);
    await ok(['connect', '--staff', email]);
  }
  sim.control.setAutoApprove(null);
  sim.control.resetMetrics();
  return {
    sim,
    sb,
    ok,
    requests: (email) => sim.control.metrics().perMailbox[email]?.requests ?? 0,
    stop: async () => {
      await sim.stop();
      sb.cleanup();
    },
  };
}
