// Start an in-process simulator for a test (port 0, the run's CA from test/global-setup.ts,
// fast polling and tiny Retry-After values). Stop it in afterEach/afterAll.
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js';

export type { Simulator } from '../../src/simulator/index.js';
export { msalAuthorityOptions } from '../../src/simulator/index.js';

export async function startTestSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const caDir = process.env.CASEFLOW_TEST_CA_DIR;
  if (!caDir) throw new Error('CASEFLOW_TEST_CA_DIR is not set: is test/global-setup.ts configured as vitest globalSetup?');
  return startSimulator({
    port: 0,
    caDir,
    deviceCodePollIntervalSeconds: 0.02,
    ...opts,
    faults: { retryAfterSeconds: 0.01, ...opts.faults },
  });
}

/** A user with a bearer token (issued directly, no sign-in) for plain-fetch Graph calls. */
export function signedInUser(sim: Simulator, email = 'alice@firm.example', scope?: string): { email: string; token: string } {
  sim.control.addUser({ email, name: email.split('@')[0] ?? email });
  return { email, token: sim.control.issueTokens(email, scope).accessToken };
}

/** fetch against the simulator's Graph: `path` is below /v1.0; JSON in, JSON (or null) out. */
export async function graph(
  sim: Simulator,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(path.startsWith('https://') ? path : `${sim.url}/v1.0${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}
