// `caseflow-outlook simulator` in a terminal: prints how to point the CLI at it, serves, and
// stops cleanly on Ctrl-C.

import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import { afterAll, expect, it } from 'vitest';
import { runCli, sandbox } from '../helpers/cli.js';

const sb = sandbox();
afterAll(() => sb.cleanup());

it('prints the config snippet and the NODE_EXTRA_CA_CERTS line, answers, keeps the budget it was given, and exits 0 on SIGINT', async () => {
  let url = '';
  let answered: Promise<number> | null = null;
  let limits: Promise<string> | null = null;
  const result = await runCli(['simulator', '--port', '0', '--requests-per-window', '50', '--window-seconds', '10'], {
    env: sb.env,
    onSpawn: (child) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /listening on (https:\/\/127\.0\.0\.1:\d+)/.exec(out);
        const ca = /export NODE_EXTRA_CA_CERTS=(\S+)/.exec(out);
        if (m && ca && out.includes('Press Ctrl-C') && !answered) {
          url = m[1]!;
          // Trusting exactly the CA it printed, as a user's shell would.
          answered = new Promise<number>((resolve) => {
            get(`${url}/organizations/v2.0/.well-known/openid-configuration`, { ca: readFileSync(ca[1]!) }, (res) => {
              res.resume();
              resolve(res.statusCode ?? -1);
            }).on('error', () => resolve(-1));
          });
          limits = new Promise<string>((resolve) => {
            get(`${url}/_control/limits`, { ca: readFileSync(ca[1]!) }, (res) => {
              let body = '';
              res.on('data', (c: Buffer) => (body += c.toString())).on('end', () => resolve(body));
            }).on('error', () => resolve(''));
          });
          void Promise.all([answered, limits]).finally(() => child.kill('SIGINT'));
        }
      });
    },
  });
  expect(result.code).toBe(0);
  expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  expect(result.stdout).toContain('"authorityHost": "' + url + '"');
  expect(result.stdout).toMatch(/export NODE_EXTRA_CA_CERTS=.*simulator-ca\/ca\.pem/);
  expect(result.stdout).toContain('stopped');
  expect(await answered).toBe(200);
  expect(JSON.parse((await limits) ?? '')).toEqual({ concurrency: 4, requestsPerWindow: 50, windowSeconds: 10 });
});
