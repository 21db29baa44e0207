// A server that cannot be reached at all (connection refused, host not found, certificate not
// trusted) is named with its address and the reason, exit 4, with a hint naming the setting to
// check. The CLI runs against a connected world; the failing server is a closed 127.0.0.1 port,
// a host under .invalid (never resolves, RFC 6761), or a simulator whose CA is not trusted.

import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSimulator, type Simulator } from '../helpers/sim.js';
import { world, type World } from '../helpers/world.js';

const ALICE = 'alice@firm.example';
const BOB = 'bob@firm.example';
let w: World;
let closed: string;

/** An https URL on a 127.0.0.1 port that nothing listens on (bound, then released). */
function closedPort(): Promise<string> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(`https://127.0.0.1:${port}`));
    });
    server.on('error', reject);
  });
}

function errorAndHint(stderr: string): [string, string] {
  const lines = stderr.split('\n').filter(Boolean);
  expect(lines, stderr).toHaveLength(2);
  return [lines[0]!, lines[1]!];
}

beforeAll(async () => {
  w = await world([ALICE]);
  w.sim.control.addUser({ email: BOB, name: 'bob' });
  await w.ok(['staff', 'add', '--email', BOB, '--name', 'Bob']);
  closed = await closedPort();
});
afterAll(async () => {
  await w.stop();
});

describe('Microsoft Graph cannot be reached', () => {
  it('connection refused: exit 4 naming the address, a hint to check graph.baseUrl, and status keeps it', async () => {
    const r = await w.sb.run(['sync', '--staff', ALICE], { env: { CASEFLOW_GRAPH_URL: closed } });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(errorAndHint(r.stderr)).toEqual([
      `error: cannot reach Microsoft Graph at ${closed} (connection refused)`,
      'hint: check graph.baseUrl (env CASEFLOW_GRAPH_URL) and the network, then run the same command again',
    ]);
    const j = await w.sb.json(['daemon', '--once', '--staff', ALICE], { env: { CASEFLOW_GRAPH_URL: closed } });
    expect(j.code).toBe(4);
    expect(j.body).toEqual({
      error: {
        code: 'unreachable',
        message: `cannot reach Microsoft Graph at ${closed} (connection refused)`,
        hint: 'check graph.baseUrl (env CASEFLOW_GRAPH_URL) and the network, then run the same command again',
      },
    });
    const status = await w.ok<{ lastError: string }>(['status', '--staff', ALICE]);
    expect(status.lastError).toBe(`cannot reach Microsoft Graph at ${closed} (connection refused)`);
    // The same world with Graph back: the run goes through, so nothing was left half-done.
    expect(await w.ok(['sync', '--staff', ALICE])).toMatchObject({ staff: ALICE, errors: [] });
  });

  it('host not found: the hint points at the host name and DNS', async () => {
    const host = 'https://graph.caseflow-test.invalid';
    const r = await w.sb.run(['sync', '--staff', ALICE], { env: { CASEFLOW_GRAPH_URL: host } });
    expect(r.code).toBe(4);
    const [error, hint] = errorAndHint(r.stderr);
    // ENOTFOUND where a resolver answers; EAI_AGAIN where the sandbox has none.
    expect(error).toMatch(new RegExp(`^error: cannot reach Microsoft Graph at ${host.replace(/\./g, '\\.')} \\((host not found|host name lookup failed)\\)$`));
    expect(hint).toBe("hint: check the host name in graph.baseUrl (env CASEFLOW_GRAPH_URL) and the network's DNS, then run the same command again");
  });

  describe('a certificate the CLI does not trust', () => {
    let untrusted: Simulator;
    let caDir: string;
    let proxy: Server;
    let proxyUrl: string;
    let connections = 0;
    beforeAll(async () => {
      // Its own CA, which no NODE_EXTRA_CA_CERTS names.
      caDir = mkdtempSync(join(tmpdir(), 'cfo-untrusted-ca-'));
      untrusted = await startTestSimulator({ caDir });
      // A TCP relay in front of it counts the connections (TLS handshakes) the CLI opens.
      const target = Number(new URL(untrusted.url).port);
      proxy = createServer((socket) => {
        connections += 1;
        const upstream = connect(target, '127.0.0.1');
        socket.pipe(upstream).pipe(socket);
        socket.on('error', () => upstream.destroy());
        upstream.on('error', () => socket.destroy());
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      proxyUrl = `https://127.0.0.1:${(proxy.address() as { port: number }).port}`;
    });
    afterAll(async () => {
      await new Promise((resolve) => proxy.close(resolve));
      await untrusted.stop();
      rmSync(caDir, { recursive: true, force: true });
    });

    it('names the TLS failure, tries once (no retries), and the hint names NODE_EXTRA_CA_CERTS', async () => {
      const r = await w.sb.run(['sync', '--staff', ALICE], { env: { CASEFLOW_GRAPH_URL: proxyUrl } });
      expect(r.code).toBe(4);
      const [error, hint] = errorAndHint(r.stderr);
      expect(error).toMatch(new RegExp(`^error: cannot reach Microsoft Graph at ${proxyUrl} \\((self-signed )?certificate not trusted: [A-Z_]+\\)$`));
      expect(hint).toMatch(/^hint: for the local simulator, set NODE_EXTRA_CA_CERTS to the CA certificate file it prints when it starts; otherwise check graph\.baseUrl/);
      // A certificate does not change in a second: one handshake, not eight.
      expect(connections).toBe(1);
      expect(untrusted.control.requestLog()).toEqual([]);
    });
  });
});

describe('the Microsoft sign-in server cannot be reached', () => {
  it('connection refused on a silent refresh: exit 4 naming the authority host', async () => {
    // The access token the last run kept came from another authority: it is not sent, a sign-in is needed.
    const r = await w.sb.run(['sync', '--staff', ALICE], { env: { CASEFLOW_AUTHORITY_HOST: closed } });
    expect(r.code).toBe(4);
    expect(errorAndHint(r.stderr)).toEqual([
      `error: cannot reach the Microsoft sign-in server at ${closed} (connection refused)`,
      'hint: check auth.authorityHost (env CASEFLOW_AUTHORITY_HOST) and the network, then run the same command again',
    ]);
  });

  it('connection refused on connect: exit 4, and nothing is saved', async () => {
    const r = await w.sb.json(['connect', '--staff', BOB], { env: { CASEFLOW_AUTHORITY_HOST: closed } });
    expect(r.code).toBe(4);
    expect(r.body.error).toEqual({
      code: 'unreachable',
      message: `cannot reach the Microsoft sign-in server at ${closed} (connection refused)`,
      hint: 'check auth.authorityHost (env CASEFLOW_AUTHORITY_HOST) and the network, then run the same command again',
    });
    expect(await w.ok(['status', '--staff', BOB])).toMatchObject({ connected: false, account: null });
  });

  it('an untrusted certificate on connect: the hint names NODE_EXTRA_CA_CERTS', async () => {
    // The CA list is read when a process starts: this one needs a process of its own.
    const r = await w.sb.run(['connect', '--staff', BOB], { env: { NODE_EXTRA_CA_CERTS: '' }, spawn: true });
    expect(r.code).toBe(4);
    const lines = r.stderr.split('\n').filter(Boolean);
    // connect says what it is about to do first; then the one error and its hint.
    expect(lines.slice(-2)[0]).toMatch(new RegExp(`^error: cannot reach the Microsoft sign-in server at ${w.sim.url} \\((self-signed )?certificate not trusted: [A-Z_]+\\)$`));
    expect(lines.slice(-1)[0]).toMatch(/^hint: for the local simulator, set NODE_EXTRA_CA_CERTS/);
  });
});
