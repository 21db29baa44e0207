// Core of `caseflow-outlook simulator [--port N] [--state FILE]`: start, print the banner, run
// until the signal aborts (SIGINT in the CLI), stop cleanly. The CLI layer owns process and argv.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from './index.js';
import { renderBanner } from './banner.js';
import type { Limits } from './graph/throttle.js';

export interface SimulatorCommandOptions {
  port?: number;
  state?: string;
  caDir?: string;
  autoApprove?: string | null;
  /** The per-mailbox request budget, smaller or shorter than Outlook's for trying pacing. */
  limits?: Partial<Limits>;
  /** Users to create when the simulator has none (default: two demo users). */
  users?: { email: string; name?: string }[];
}

export const DEMO_USERS = [
  { email: 'alice@firm.example', name: 'Alice Adams' },
  { email: 'bob@firm.example', name: 'Bob Brown' },
];

/** Where the CLI keeps its CA, so the printed NODE_EXTRA_CA_CERTS stays valid across restarts. */
export function defaultCaDir(env: NodeJS.ProcessEnv = process.env): string {
  const data = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(data, 'caseflow-outlook', 'simulator-ca');
}

export async function runSimulatorCommand(
  opts: SimulatorCommandOptions,
  signal: AbortSignal,
  print: (text: string) => void = (text) => process.stdout.write(text),
): Promise<{ url: string }> {
  const sim: Simulator = await startSimulator({
    port: opts.port ?? 0,
    caDir: opts.caDir ?? defaultCaDir(),
    ...(opts.state ? { stateFile: opts.state } : {}),
    ...(opts.autoApprove ? { autoApprove: opts.autoApprove } : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
  });
  try {
    if (sim.control.users().length === 0) for (const u of opts.users ?? DEMO_USERS) sim.control.addUser(u);
    print(
      renderBanner({
        url: sim.url,
        tenantId: sim.tenantId,
        caCertPath: sim.caCertPath,
        users: sim.control.users(),
        stateFile: opts.state ?? null,
      }),
    );
    if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    await sim.stop();
  }
  return { url: sim.url };
}
