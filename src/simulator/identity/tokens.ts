// Device codes, authorization codes, access tokens and refresh tokens of the simulated identity platform. Refresh
// tokens rotate on every use (the previous one stops working, so a client that forgets to
// persist its cache finds out) and die on revocation or after 90 days without use.
import { newOpaqueToken, newUserCode, uuid } from '../random.js';
import type { User } from '../mailbox/model.js';

export interface DeviceCode {
  deviceCode: string;
  userCode: string;
  clientId: string;
  scope: string;
  expiresAtMs: number;
  status: 'pending' | 'approved' | 'declined';
  email: string | null;
  polls: number;
}

interface RefreshRecord {
  email: string;
  clientId: string;
  lastUsedMs: number;
}

/** A token for a signed-in user (`email`), or an app-only one (`app`: the client id, no user). */
export interface AccessRecord {
  email: string | null;
  app?: string;
  scopes: Set<string>;
  expiresAtMs: number;
}

/** An authorization code waiting to be redeemed (authorization code grant with PKCE). */
export interface AuthCode {
  code: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  challenge: string;
  email: string;
  expiresAtMs: number;
}

export interface PersistedTokens {
  refresh: [string, RefreshRecord][];
  access: [string, { email: string | null; app?: string; scopes: string[]; expiresAtMs: number }][];
}

/** Authorization codes live 10 minutes: https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow */
const AUTH_CODE_MS = 10 * 60_000;
const OIDC = new Set(['openid', 'profile', 'offline_access', 'email']);
const REFRESH_INACTIVITY_MS = 90 * 86_400_000;

/** `https://graph.microsoft.com/Calendars.ReadWrite` and `Calendars.ReadWrite` are the same scope. */
export function resourceScopes(scope: string): Set<string> {
  const out = new Set<string>();
  for (const s of scope.split(/\s+/).filter(Boolean)) {
    const bare = s.replace(/^https?:\/\/[^/]+\//, '').toLowerCase();
    // `.default` means "whatever was consented": here, the calendar and the profile.
    if (bare === '.default') ['calendars.readwrite', 'user.read'].forEach((x) => out.add(x));
    else if (!OIDC.has(bare)) out.add(bare);
  }
  return out;
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (claims: Record<string, unknown>) => `${b64({ typ: 'JWT', alg: 'RS256', kid: 'simulator' })}.${b64(claims)}.${newOpaqueToken(64)}`;

export class TokenStore {
  readonly deviceCodes = new Map<string, DeviceCode>();
  readonly refresh = new Map<string, RefreshRecord>();
  readonly access = new Map<string, AccessRecord>();
  readonly authCodes = new Map<string, AuthCode>();

  constructor(
    private readonly now: () => number,
    private readonly lifetimes: { accessSeconds: number; deviceCodeSeconds: number },
  ) {}

  newDeviceCode(clientId: string, scope: string): DeviceCode {
    const code: DeviceCode = {
      deviceCode: newOpaqueToken(48),
      userCode: newUserCode(),
      clientId,
      scope,
      expiresAtMs: this.now() + this.lifetimes.deviceCodeSeconds * 1000,
      status: 'pending',
      email: null,
      polls: 0,
    };
    this.deviceCodes.set(code.deviceCode, code);
    return code;
  }

  byUserCode(userCode: string): DeviceCode | undefined {
    const wanted = userCode.trim().toUpperCase();
    return [...this.deviceCodes.values()].find((c) => c.userCode === wanted);
  }

  /** Issues the token response MSAL needs to cache an account (id_token + client_info). */
  issue(user: User, tenantId: string, issuer: string, clientId: string, scope: string): Record<string, unknown> {
    const nowMs = this.now();
    const iat = Math.floor(nowMs / 1000);
    const scopes = resourceScopes(scope);
    const accessToken = jwt({
      aud: 'https://graph.microsoft.com', iss: `https://sts.windows.net/${tenantId}/`, iat, nbf: iat,
      exp: iat + this.lifetimes.accessSeconds, name: user.name, oid: user.oid, scp: [...scopes].join(' '),
      sub: user.oid, tid: tenantId, upn: user.email, uti: newOpaqueToken(16), ver: '1.0', appid: clientId,
    });
    this.access.set(accessToken, { email: user.email, scopes, expiresAtMs: nowMs + this.lifetimes.accessSeconds * 1000 });
    const response: Record<string, unknown> = {
      token_type: 'Bearer',
      scope,
      expires_in: this.lifetimes.accessSeconds,
      ext_expires_in: this.lifetimes.accessSeconds,
      access_token: accessToken,
      id_token: jwt({
        aud: clientId, iss: issuer, iat, nbf: iat, exp: iat + 3600, name: user.name, oid: user.oid,
        preferred_username: user.email, rh: newOpaqueToken(8), sub: user.oid, tid: tenantId, uti: newOpaqueToken(16), ver: '2.0',
      }),
      client_info: b64({ uid: user.oid, utid: tenantId }),
    };
    if (scope.split(/\s+/).includes('offline_access')) {
      const refreshToken = `1.AR${newOpaqueToken(96)}`;
      this.refresh.set(refreshToken, { email: user.email, clientId, lastUsedMs: nowMs });
      response.refresh_token = refreshToken;
    }
    return response;
  }

  newAuthCode(input: Omit<AuthCode, 'code' | 'expiresAtMs'>): AuthCode {
    const code: AuthCode = { ...input, code: `1.AQ${newOpaqueToken(96)}`, expiresAtMs: this.now() + AUTH_CODE_MS };
    this.authCodes.set(code.code, code);
    return code;
  }

  /** Consumes an authorization code: one redemption, whatever its outcome. */
  takeAuthCode(code: string): AuthCode | 'unknown' | 'expired' {
    const record = this.authCodes.get(code);
    if (!record) return 'unknown';
    this.authCodes.delete(code);
    return this.now() >= record.expiresAtMs ? 'expired' : record;
  }

  /** An app-only access token (client credentials): `roles`, no user, no refresh or ID token. */
  issueApp(clientId: string, tenantId: string, roles: string[], scope: string): Record<string, unknown> {
    const nowMs = this.now();
    const iat = Math.floor(nowMs / 1000);
    const accessToken = jwt({
      aud: 'https://graph.microsoft.com', iss: `https://sts.windows.net/${tenantId}/`, iat, nbf: iat, exp: iat + this.lifetimes.accessSeconds,
      appid: clientId, idtyp: 'app', oid: uuid(), roles, sub: uuid(), tid: tenantId, uti: newOpaqueToken(16), ver: '1.0',
    });
    this.access.set(accessToken, { email: null, app: clientId, scopes: new Set(roles.map((r) => r.toLowerCase())), expiresAtMs: nowMs + this.lifetimes.accessSeconds * 1000 });
    return { token_type: 'Bearer', expires_in: this.lifetimes.accessSeconds, ext_expires_in: this.lifetimes.accessSeconds, access_token: accessToken, scope };
  }

  /** Consumes a refresh token (rotation): the record, or why it cannot be used. */
  takeRefresh(token: string): RefreshRecord | 'unknown' | 'expired' {
    const record = this.refresh.get(token);
    if (!record) return 'unknown';
    this.refresh.delete(token);
    if (this.now() - record.lastUsedMs > REFRESH_INACTIVITY_MS) return 'expired';
    return record;
  }

  authenticate(token: string): AccessRecord | 'unknown' | 'expired' {
    const record = this.access.get(token);
    if (!record) return 'unknown';
    if (this.now() >= record.expiresAtMs) return 'expired';
    return record;
  }

  revoke(email: string): void {
    const match = (e: string | null) => e !== null && e.toLowerCase() === email.toLowerCase();
    for (const [t, r] of this.refresh) if (match(r.email)) this.refresh.delete(t);
    for (const [t, r] of this.access) if (match(r.email)) this.access.delete(t);
  }

  persist(): PersistedTokens {
    return {
      refresh: [...this.refresh],
      access: [...this.access].map(([t, r]) => [t, { email: r.email, ...(r.app ? { app: r.app } : {}), scopes: [...r.scopes], expiresAtMs: r.expiresAtMs }]),
    };
  }

  restore(saved: PersistedTokens): void {
    for (const [t, r] of saved.refresh) this.refresh.set(t, r);
    for (const [t, r] of saved.access) this.access.set(t, { ...r, scopes: new Set(r.scopes) });
  }

  static correlationId(): string {
    return uuid();
  }
}
