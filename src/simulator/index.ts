// The local Microsoft 365 simulator (src/simulator/README.md): one HTTPS server on 127.0.0.1
// serving the identity endpoints MSAL uses and Graph v1.0 for the signed-in mailbox, plus
// /_control.
import { createServer } from 'node:https';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { ensureCa, issueLeaf } from './ca.js';
import { Directory } from './mailbox/directory.js';
import { TokenStore } from './identity/tokens.js';
import { AppRegistry } from './identity/apps.js';
import type { ConditionalAccess, IdentityEnv } from './identity/endpoints.js';
import { Faults, type FaultSettings } from './graph/faults.js';
import { checkLimits, DEFAULT_LIMITS, Gate, Limiter, type Limits } from './graph/throttle.js';
import { RequestLog } from './request-log.js';
import { DeltaEngine } from './graph/delta.js';
import { createControl, type SimulatorControl } from './control/in-process.js';
import { createHandler } from './http-handler.js';
import { loadState, StateSaver } from './state.js';
import type { SimCore } from './graph/pipeline.js';

export type { SimulatorControl, EventView, PendingDeviceCode } from './control/in-process.js';
export type { FaultSettings } from './graph/faults.js';
export type { Limits } from './graph/throttle.js';
export type { RequestLogEntry, Metrics, MailboxMetrics } from './request-log.js';
export type { User } from './mailbox/model.js';
export type { AppInput, AppView } from './identity/apps.js';
export type { ConditionalAccess } from './identity/endpoints.js';
export { renderBanner } from './banner.js';
export { issueAppCertificate } from './ca.js';
export { msalAuthorityOptions } from './identity/msal.js';

import { SIMULATOR_TENANT_ID } from './constants.js';
export { SIMULATOR_TENANT_ID, SIMULATOR_CLIENT_ID } from './constants.js';

export interface SimulatorOptions {
  /** 0 = ephemeral (tests); the host is always 127.0.0.1. */
  port?: number;
  /** JSON persistence of users, mailboxes and sign-ins. */
  stateFile?: string;
  /** Holds ca.pem / ca-key.pem: reused when present, generated otherwise (0700 dir, 0600 key). */
  caDir?: string;
  /** Device codes are approved for this user after the first poll answered authorization_pending. */
  autoApprove?: string | null;
  accessTokenLifetimeSeconds?: number;
  deviceCodeLifetimeSeconds?: number;
  /** `interval` of the device-code response (MSAL sleeps that long between polls). Default 5. */
  deviceCodePollIntervalSeconds?: number;
  /** Injectable clock (ms) for token and device-code expiry and the 10-minute budget. */
  now?: () => number;
  /** Users created at start (besides those in the state file). */
  users?: { email: string; name?: string }[];
  /** Per-mailbox limits; Outlook's by default (4 in flight, 10,000 per 600 s). `control.setLimits` changes them later. */
  limits?: Partial<Limits>;
  /** Faults active from the start. */
  faults?: FaultSettings;
  /** Apps registered for app-only access at start (certificate and mailbox scope). */
  apps?: import('./identity/apps.js').AppInput[];
}

export interface Simulator {
  /** https://127.0.0.1:PORT: the authority host AND the Graph base (Graph is under /v1.0). */
  url: string;
  port: number;
  caCertPath: string;
  tenantId: string;
  control: SimulatorControl;
  stop(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const caDir = options.caDir ?? (await mkdtemp(join(tmpdir(), 'caseflow-sim-ca-')));
  const ca = await ensureCa(caDir);
  const leaf = await issueLeaf(ca);
  let offsetMs = 0;
  const clock = options.now ?? Date.now;
  const now = () => clock() + offsetMs;
  let saver: StateSaver | null = null;
  const changed = () => saver?.changed();
  const directory = new Directory(now, changed);
  const tokens = new TokenStore(now, {
    accessSeconds: options.accessTokenLifetimeSeconds ?? 3600,
    deviceCodeSeconds: options.deviceCodeLifetimeSeconds ?? 900,
  });
  const apps = new AppRegistry();
  if (options.stateFile) {
    await loadState(options.stateFile, directory, tokens, apps);
    saver = new StateSaver(options.stateFile, directory, tokens, apps);
  }
  for (const app of options.apps ?? []) apps.register(app);
  for (const user of options.users ?? []) directory.add(user);
  const faults = new Faults();
  faults.set(options.faults ?? {});
  const limiter = new Limiter(now, DEFAULT_LIMITS);
  limiter.setLimits(checkLimits(options.limits ?? {}));
  const gate = new Gate();
  const log = new RequestLog();
  const delta = new DeltaEngine(() => faults.delta(), () => faults.rng);
  const autoApprove = { email: options.autoApprove ?? null };
  const conditionalAccess: ConditionalAccess = { blockDeviceCode: false, errorCode: 53003 };

  const server = createServer({ key: leaf.keyPem, cert: leaf.certPem });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;
  const core: SimCore = { base: url, directory, delta, faults, limiter, gate, log, now };
  const control = createControl({
    directory, tokens, log, faults, limiter, gate, tenantId: SIMULATOR_TENANT_ID, issuer: `${url}/${SIMULATOR_TENANT_ID}/v2.0`, autoApprove,
    apps: {
      register: (app) => {
        const view = apps.register(app);
        changed();
        return view;
      },
      setMailboxes: (id, mailboxes) => {
        const view = apps.setMailboxes(id, mailboxes);
        changed();
        return view;
      },
      remove: (id) => {
        apps.remove(id);
        changed();
      },
      list: () => apps.list(),
    },
    conditionalAccess,
    advanceClock: (seconds) => {
      offsetMs += seconds * 1000;
    },
  });
  const identity: IdentityEnv = {
    base: url, tenantId: SIMULATOR_TENANT_ID, directory, tokens, now, apps, conditionalAccess,
    autoApprove: () => autoApprove.email,
    pollIntervalSeconds: options.deviceCodePollIntervalSeconds ?? 5,
  };
  const handle = createHandler({ core, identity, tokens, control, changed });
  server.on('request', (req, res) => {
    handle(req, res).catch((error: unknown) => {
      process.emitWarning(`simulator: internal error on ${req.method} ${req.url}: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'InternalServerError', message: 'The simulator failed on this request.' } }));
    });
  });

  let stopping: Promise<void> | null = null;
  return {
    url,
    port,
    caCertPath: ca.certPath,
    tenantId: SIMULATOR_TENANT_ID,
    control,
    stop() {
      stopping ??= (async () => {
        gate.resume();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await saver?.flush();
      })();
      return stopping;
    },
  };
}
