// Vitest globalSetup: one certificate authority for the whole run, trusted by every forked test
// worker and every CLI child process a test spawns. NODE_EXTRA_CA_CERTS is read only when a Node
// process starts, so it is set here, before vitest forks its workers (they inherit this env).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCa } from '../src/simulator/ca.js';

export default async function setup(): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'caseflow-test-ca-'));
  const ca = await ensureCa(dir);
  process.env.NODE_EXTRA_CA_CERTS = ca.certPath;
  process.env.CASEFLOW_TEST_CA_DIR = dir;
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
