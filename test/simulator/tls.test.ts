// TLS and trust: the run's CA reaches test workers and child processes; the certificate names
// 127.0.0.1 and localhost; a CA dir is reused, created private; stop() closes everything.
import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { startTestSimulator, type Simulator } from '../helpers/sim.js';
import { ensureCa } from '../../src/simulator/ca.js';

const run = promisify(execFile);
let sim: Simulator | null = null;
afterEach(async () => {
  await sim?.stop();
  sim = null;
});

describe('TLS trust', () => {
  it('gives forked test workers the run CA through NODE_EXTRA_CA_CERTS', async () => {
    const dir = process.env.CASEFLOW_TEST_CA_DIR as string;
    expect(dir).toBeTruthy();
    expect(process.env.NODE_EXTRA_CA_CERTS).toBe(join(dir, 'ca.pem'));
    sim = await startTestSimulator();
    expect(sim.caCertPath).toBe(join(dir, 'ca.pem'));
    // Plain fetch succeeds only if this worker trusted the CA when it started.
    const res = await fetch(`${sim.url}/${sim.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
  });

  it('is trusted by a child process that inherits the environment (as spawned CLIs do)', async () => {
    sim = await startTestSimulator();
    const script = `fetch(process.argv[1]).then(r => console.log(r.status), e => { console.log('ERR ' + e.cause?.code); })`;
    const { stdout } = await run(process.execPath, ['-e', script, `${sim.url}/common/v2.0/.well-known/openid-configuration`]);
    expect(stdout.trim()).toBe('200');
  });

  it('is NOT trusted by a process started without the CA (so the trust above is real)', async () => {
    sim = await startTestSimulator();
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: '' };
    const script = `fetch(process.argv[1]).then(r => console.log(r.status), e => { console.log('ERR'); })`;
    const { stdout } = await run(process.execPath, ['-e', script, `${sim.url}/common/v2.0/.well-known/openid-configuration`], { env });
    expect(stdout.trim()).toBe('ERR');
  });

  it('serves a certificate for IP 127.0.0.1 and DNS localhost, signed by the CA', async () => {
    sim = await startTestSimulator();
    const port = sim.port;
    const pem = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, servername: 'localhost' }, () => {
        const cert = socket.getPeerX509Certificate();
        socket.end();
        if (cert) resolve(cert.toString());
        else reject(new Error('no certificate'));
      });
      socket.on('error', reject);
    });
    const leaf = new X509Certificate(pem);
    expect(leaf.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(leaf.subjectAltName).toContain('DNS:localhost');
    const ca = new X509Certificate(await readFile(sim.caCertPath, 'utf8'));
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    const viaLocalhost = await fetch(`https://localhost:${port}/common/v2.0/.well-known/openid-configuration`);
    expect(viaLocalhost.status).toBe(200);
  });
});

describe('CA directory', () => {
  it('creates a private dir and key, then reuses the same CA', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'sim-ca-test-')), 'ca');
    const first = await ensureCa(dir);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'ca-key.pem'))).mode & 0o777).toBe(0o600);
    const second = await ensureCa(dir);
    expect(second.certPem).toBe(first.certPem);
    const ca = new X509Certificate(first.certPem);
    expect(ca.ca).toBe(true);
  });

  it('survives concurrent first use of the same dir with one consistent pair', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'sim-ca-race-')), 'ca');
    const all = await Promise.all([ensureCa(dir), ensureCa(dir), ensureCa(dir)]);
    expect(new Set(all.map((c) => c.certPem)).size).toBe(1);
    expect(await readFile(join(dir, 'ca.pem'), 'utf8')).toBe(all[0]?.certPem);
  });
});

describe('stop', () => {
  it('closes the server and kept-alive sockets, and resolves', async () => {
    sim = await startTestSimulator();
    const url = `${sim.url}/common/v2.0/.well-known/openid-configuration`;
    expect((await fetch(url)).status).toBe(200); // leaves a keep-alive socket open
    await sim.stop();
    await expect(fetch(url)).rejects.toThrow();
    sim = null;
  });
});
