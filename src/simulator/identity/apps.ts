// App registrations for app-only access (the client-credentials grant with a certificate), and
// the check of the client assertion a confidential client signs with that certificate:
// https://learn.microsoft.com/entra/identity-platform/certificate-credentials
// Each app has a mailbox scope, as Exchange Online's RBAC for Applications gives one: a mailbox
// outside it answers 403 ErrorAccessDenied (null: every mailbox, the application permission's
// default). https://learn.microsoft.com/exchange/permissions-exo/application-rbac
import { createHash, createPublicKey, constants, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { ControlError } from '../mailbox/model.js';

export interface AppRegistration {
  clientId: string;
  /** The registered certificate, PEM (the public part only). */
  certificatePem: string;
  thumbprintSha1: string;
  thumbprintSha256: string;
  publicKey: KeyObject;
  /** Application permissions granted with admin consent, e.g. Calendars.ReadWrite. */
  roles: string[];
  /** Lower-case emails the app may reach; null: every mailbox. */
  mailboxes: string[] | null;
}

export interface AppInput {
  clientId: string;
  certificatePem: string;
  roles?: string[];
  mailboxes?: string[] | null;
}

export interface AppView {
  clientId: string;
  thumbprintSha1: string;
  thumbprintSha256: string;
  roles: string[];
  mailboxes: string[] | null;
}

export interface PersistedApp {
  clientId: string;
  certificatePem: string;
  roles: string[];
  mailboxes: string[] | null;
}

const hex = (buf: Buffer) => buf.toString('hex').toUpperCase();

export class AppRegistry {
  private readonly apps = new Map<string, AppRegistration>();

  register(input: AppInput): AppView {
    if (typeof input.clientId !== 'string' || !input.clientId.trim()) throw new ControlError(400, 'clientId is required');
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(input.certificatePem);
    } catch {
      throw new ControlError(400, 'certificate must be a PEM X.509 certificate (-----BEGIN CERTIFICATE-----)');
    }
    const app: AppRegistration = {
      clientId: input.clientId.trim(),
      certificatePem: cert.toString(),
      thumbprintSha1: hex(createHash('sha1').update(cert.raw).digest()),
      thumbprintSha256: hex(createHash('sha256').update(cert.raw).digest()),
      publicKey: createPublicKey(cert.publicKey.export({ type: 'spki', format: 'pem' })),
      roles: input.roles ?? ['Calendars.ReadWrite'],
      mailboxes: normalise(input.mailboxes ?? null),
    };
    this.apps.set(app.clientId.toLowerCase(), app);
    return view(app);
  }

  setMailboxes(clientId: string, mailboxes: string[] | null): AppView {
    const app = this.require(clientId);
    app.mailboxes = normalise(mailboxes);
    return view(app);
  }

  remove(clientId: string): void {
    this.require(clientId);
    this.apps.delete(clientId.toLowerCase());
  }

  get(clientId: string): AppRegistration | undefined {
    return this.apps.get(clientId.toLowerCase());
  }

  list(): AppView[] {
    return [...this.apps.values()].map(view);
  }

  persist(): PersistedApp[] {
    return [...this.apps.values()].map((a) => ({ clientId: a.clientId, certificatePem: a.certificatePem, roles: a.roles, mailboxes: a.mailboxes }));
  }

  restore(saved: PersistedApp[] | undefined): void {
    for (const a of saved ?? []) this.register(a);
  }

  private require(clientId: string): AppRegistration {
    const app = this.get(clientId);
    if (!app) throw new ControlError(404, `no app registration ${clientId}`);
    return app;
  }
}

function normalise(mailboxes: string[] | null): string[] | null {
  if (mailboxes === null) return null;
  if (!Array.isArray(mailboxes) || mailboxes.some((m) => typeof m !== 'string')) throw new ControlError(400, 'mailboxes must be a list of emails or null');
  return [...new Set(mailboxes.map((m) => m.trim().toLowerCase()))];
}

function view(app: AppRegistration): AppView {
  return { clientId: app.clientId, thumbprintSha1: app.thumbprintSha1, thumbprintSha256: app.thumbprintSha256, roles: [...app.roles], mailboxes: app.mailboxes && [...app.mailboxes] };
}

/** Whether the app's scope covers this mailbox. */
export function inScope(app: AppRegistration, email: string): boolean {
  return app.mailboxes === null || app.mailboxes.includes(email.toLowerCase());
}

export type AssertionCheck = { ok: true; app: AppRegistration } | { ok: false; error: string; code: number; description: string };

const refuse = (error: string, code: number, description: string): AssertionCheck => ({ ok: false, error, code, description });

function decodePart(part: string | undefined): Record<string, unknown> | null {
  if (!part) return null;
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Clock skew allowed on exp and nbf, as Entra ID allows some. */
const SKEW_SECONDS = 300;

/**
 * Checks a `client_assertion` (RFC 7523 jwt-bearer) for `clientId` at `tokenEndpoint`: a known
 * app, a registered certificate named by `x5t#S256` (PS256) or `x5t` (RS256), a valid signature,
 * iss = sub = client id, aud = the token endpoint, within its time. MSAL signs with the real
 * clock, so the times are checked against it, not the simulator's movable one.
 */
export function checkClientAssertion(apps: AppRegistry, clientId: string, assertion: string, tokenEndpoint: string, nowMs = Date.now()): AssertionCheck {
  const app = apps.get(clientId);
  if (!app) {
    return refuse('unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory. This can happen if the application has not been installed by the administrator of the tenant.`);
  }
  const [h, p, s, ...rest] = assertion.split('.');
  const header = decodePart(h);
  const claims = decodePart(p);
  if (!header || !claims || !s || rest.length > 0) return refuse('invalid_client', 50027, 'JWT token is invalid or malformed.');
  const x5t256 = typeof header['x5t#S256'] === 'string' ? Buffer.from(header['x5t#S256'], 'base64url').toString('hex').toUpperCase() : null;
  const x5t = typeof header.x5t === 'string' ? Buffer.from(header.x5t, 'base64url').toString('hex').toUpperCase() : null;
  if (x5t256 !== app.thumbprintSha256 && x5t !== app.thumbprintSha1) {
    const named = x5t256 ?? x5t ?? '(none)';
    return refuse('invalid_client', 700027, `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${named}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'.]`);
  }
  const alg = header.alg;
  if (alg !== 'PS256' && alg !== 'RS256') return refuse('invalid_client', 700027, `Client assertion contains an invalid signature. [Reason - The signing algorithm '${String(alg)}' is not supported.]`);
  const signed = Buffer.from(`${h}.${p}`);
  const signature = Buffer.from(s, 'base64url');
  const key = alg === 'PS256' ? { key: app.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO } : app.publicKey;
  let valid = false;
  try {
    valid = verify('sha256', signed, key, signature);
  } catch {
    valid = false;
  }
  if (!valid) return refuse('invalid_client', 700027, 'Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value.]');
  if (claims.iss !== clientId || claims.sub !== clientId) {
    return refuse('invalid_client', 700021, "Client assertion application identifier doesn't match 'client_id' parameter.");
  }
  const aud = typeof claims.aud === 'string' ? claims.aud : '';
  if (aud.toLowerCase() !== tokenEndpoint.toLowerCase()) return refuse('invalid_client', 700023, `Client assertion audience claim does not match Realm issuer. Review the documentation at https://aka.ms/certCreds . (got '${aud}')`);
  const now = Math.floor(nowMs / 1000);
  const exp = typeof claims.exp === 'number' ? claims.exp : 0;
  const nbf = typeof claims.nbf === 'number' ? claims.nbf : 0;
  if (exp + SKEW_SECONDS < now || nbf - SKEW_SECONDS > now) return refuse('invalid_client', 700024, 'Client assertion is not within its valid time range.');
  return { ok: true, app };
}
