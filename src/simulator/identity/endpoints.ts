// The Microsoft identity platform endpoints MSAL's device-code flow uses
// (docs/graph.md#device-code, docs/graph.md#msal-behaviours-the-code-depends-on):
// openid-configuration, devicecode, token (device_code and refresh_token grants), keys. Errors
// use AAD's body shape: {error, error_description, error_codes, ...}.
import type { Directory } from '../mailbox/directory.js';
import { TokenStore, type DeviceCode } from './tokens.js';

export interface IdentityEnv {
  base: string;
  tenantId: string;
  directory: Directory;
  tokens: TokenStore;
  autoApprove: () => string | null;
  pollIntervalSeconds: number;
  now(): number;
}

export interface IdentityReply {
  status: number;
  body: unknown;
  /** For the request log: the mailbox the request concerned and the scope requested. */
  mailbox?: string | null;
  scope?: string;
}

type Handler = (env: IdentityEnv, tenant: string, form: URLSearchParams) => IdentityReply;

// MSAL sends the short form; RFC 8628 clients the URN. AAD accepts both.
const DEVICE_CODE_GRANTS = ['device_code', 'urn:ietf:params:oauth:grant-type:device_code'];

function oauthError(error: string, code: number, description: string, status = 400): IdentityReply {
  const traceId = TokenStore.correlationId();
  const correlationId = TokenStore.correlationId();
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

function openIdConfiguration(env: IdentityEnv, tenant: string): IdentityReply {
  const root = `${env.base}/${tenant}`;
  return {
    status: 200,
    body: {
      token_endpoint: `${root}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${root}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      // Like AAD, multi-tenant authorities answer with a `{tenantid}` placeholder in the issuer.
      issuer: `${env.base}/${tenant === env.tenantId ? env.tenantId : '{tenantid}'}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${env.base}/oidc/userinfo`,
      authorization_endpoint: `${root}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${root}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${root}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'oid'],
      kerberos_endpoint: `${root}/kerberos`,
      tenant_region_scope: 'NA',
      cloud_instance_name: new URL(env.base).host,
      cloud_graph_host_name: new URL(env.base).host,
      msgraph_host: new URL(env.base).host,
      rbac_url: env.base,
    },
  };
}

const deviceCode: Handler = (env, _tenant, form) => {
  const clientId = form.get('client_id');
  const scope = form.get('scope') ?? '';
  if (!clientId) return { ...oauthError('invalid_request', 900144, "The request body must contain the following parameter: 'client_id'."), scope };
  const code = env.tokens.newDeviceCode(clientId, scope);
  const verificationUri = `${env.base}/devicelogin`;
  return {
    status: 200,
    scope,
    body: {
      user_code: code.userCode,
      device_code: code.deviceCode,
      verification_uri: verificationUri,
      expires_in: Math.round((code.expiresAtMs - env.now()) / 1000),
      interval: env.pollIntervalSeconds,
      message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${code.userCode} to authenticate.`,
    },
  };
};

function issuer(env: IdentityEnv): string {
  return `${env.base}/${env.tenantId}/v2.0`;
}

function pollDeviceCode(env: IdentityEnv, form: URLSearchParams, scope: string): IdentityReply {
  const code: DeviceCode | undefined = env.tokens.deviceCodes.get(form.get('device_code') ?? '');
  if (!code) return oauthError('invalid_grant', 70000, 'The provided value for the input parameter \'device_code\' is not valid.');
  if (env.now() >= code.expiresAtMs) {
    env.tokens.deviceCodes.delete(code.deviceCode);
    return oauthError('expired_token', 70020, 'The provided value for the input parameter \'device_code\' is not valid. This device code has expired.');
  }
  if (code.status === 'declined') {
    env.tokens.deviceCodes.delete(code.deviceCode);
    return oauthError('authorization_declined', 70002, 'The user declined the authorization request.');
  }
  code.polls++;
  const auto = env.autoApprove();
  if (code.status === 'pending' && auto && code.polls > 1) {
    env.directory.add({ email: auto });
    code.status = 'approved';
    code.email = auto;
  }
  if (code.status !== 'approved' || !code.email) {
    return oauthError('authorization_pending', 70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.');
  }
  env.tokens.deviceCodes.delete(code.deviceCode);
  const mailbox = env.directory.require(code.email);
  return { status: 200, mailbox: mailbox.user.email, body: env.tokens.issue(mailbox.user, env.tenantId, issuer(env), code.clientId, scope || code.scope) };
}

function refresh(env: IdentityEnv, form: URLSearchParams, scope: string): IdentityReply {
  const taken = env.tokens.takeRefresh(form.get('refresh_token') ?? '');
  if (taken === 'unknown') {
    return oauthError('invalid_grant', 50173, 'The provided grant has expired due to it being revoked, a fresh auth token is needed.');
  }
  if (taken === 'expired') {
    return oauthError('invalid_grant', 700082, 'The refresh token has expired due to inactivity. The token was issued on a date and was inactive for 90.00:00:00.');
  }
  const mailbox = env.directory.get(taken.email);
  if (!mailbox) return oauthError('invalid_grant', 50034, 'The user account does not exist in this directory.');
  const clientId = form.get('client_id') ?? taken.clientId;
  return { status: 200, mailbox: mailbox.user.email, body: env.tokens.issue(mailbox.user, env.tenantId, issuer(env), clientId, scope) };
}

const token: Handler = (env, _tenant, form) => {
  const scope = form.get('scope') ?? '';
  const grant = form.get('grant_type');
  if (!form.get('client_id')) return { ...oauthError('invalid_request', 900144, "The request body must contain the following parameter: 'client_id'."), scope };
  if (grant && DEVICE_CODE_GRANTS.includes(grant)) return { ...pollDeviceCode(env, form, scope), scope };
  if (grant === 'refresh_token') return { ...refresh(env, form, scope), scope };
  return { ...oauthError('unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`), scope };
};

/** Route for an identity path, or null when the path is not one. */
export function identityRoute(method: string, pathname: string): { kind: string; handle: (env: IdentityEnv, form: URLSearchParams) => IdentityReply } | null {
  const m = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/devicecode|oauth2\/v2\.0\/token|discovery\/v2\.0\/keys)$/i.exec(pathname);
  if (!m) return null;
  const tenant = m[1] as string;
  const what = (m[2] as string).toLowerCase();
  const checked = (kind: string, expected: string, run: (env: IdentityEnv, form: URLSearchParams) => IdentityReply) => ({
    kind,
    handle: (env: IdentityEnv, form: URLSearchParams): IdentityReply => {
      if (method !== expected) return oauthError('invalid_request', 900561, `The endpoint only accepts ${expected} requests.`, 405);
      if (![env.tenantId, 'organizations', 'common'].includes(tenant.toLowerCase())) {
        return oauthError('invalid_tenant', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
      }
      return run(env, form);
    },
  });
  if (what.endsWith('openid-configuration')) return checked('openid-configuration', 'GET', (env) => openIdConfiguration(env, tenant));
  if (what.endsWith('keys')) return checked('keys', 'GET', () => ({ status: 200, body: { keys: [] } }));
  if (what.endsWith('devicecode')) return checked('devicecode', 'POST', (env, form) => deviceCode(env, tenant, form));
  return checked('token', 'POST', (env, form) => token(env, tenant, form));
}
