// Start, banner, the CLI command core (stops on its signal) and --state persistence.
import { describe, expect, it } from 'vitest';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graph, startTestSimulator } from '../helpers/sim.js';
import { renderBanner, SIMULATOR_CLIENT_ID } from '../../src/simulator/index.js';
import { runSimulatorCommand } from '../../src/simulator/cli.js';
import { event } from './_delta.js';

describe('banner', () => {
  it('prints a config snippet with the auth and graph keys and the NODE_EXTRA_CA_CERTS line', async () => {
    const sim = await startTestSimulator();
    try {
      const text = renderBanner(sim);
      const json = JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1));
      expect(json).toEqual({
        auth: { authorityHost: sim.url, tenantId: sim.tenantId, clientId: SIMULATOR_CLIENT_ID },
        graph: { baseUrl: sim.url },
      });
      expect(text).toContain(`export NODE_EXTRA_CA_CERTS=${sim.caCertPath}\n`);
    } finally {
      await sim.stop();
    }
  });
});

describe('runSimulatorCommand', () => {
  it('serves until its signal aborts, with demo users, then stops', async () => {
    const abort = new AbortController();
    let announce: (text: string) => void = () => {};
    const banner = new Promise<string>((resolve) => (announce = resolve));
    const done = runSimulatorCommand({ caDir: process.env.CASEFLOW_TEST_CA_DIR as string }, abort.signal, (t) => announce(t));
    const printed = await banner;
    const url = /listening on (\S+)/.exec(printed)?.[1] as string;
    expect((await fetch(`${url}/_control/users`)).status).toBe(200);
    expect(printed).toContain('alice@firm.example');
    abort.abort();
    await expect(done).resolves.toEqual({ url });
    await expect(fetch(`${url}/_control/users`)).rejects.toThrow();
  });
});

describe('state file', () => {
  it('keeps users, events and sign-ins across a restart; the file is private', async () => {
    const stateFile = join(await mkdtemp(join(tmpdir(), 'sim-state-')), 'state.json');
    const first = await startTestSimulator({ stateFile, users: [{ email: 'alice@firm.example', name: 'Alice' }] });
    const created = first.control.createEvent('alice@firm.example', event('Persisted', '2026-03-10T09:00:00', '2026-03-10T10:00:00'));
    const { accessToken } = first.control.issueTokens('alice@firm.example');
    await first.stop();
    expect((await stat(stateFile)).mode & 0o777).toBe(0o600);
    const second = await startTestSimulator({ stateFile });
    try {
      expect(second.control.users().map((u) => u.name)).toEqual(['Alice']);
      const read = await graph(second, accessToken, 'GET', `/me/events/${created.id}`);
      expect(read.status).toBe(200);
      expect(read.body.changeKey).toBe(created.changeKey);
    } finally {
      await second.stop();
    }
  });
});
