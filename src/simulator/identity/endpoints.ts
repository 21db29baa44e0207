// The Microsoft identity platform endpoints MSAL uses (docs/graph.md#device-code,
// docs/graph.md#msal-behaviours-the-code-depends-on): openid-configuration, devicecode, token
// (device_code, refresh_token, authorization_code with PKCE, client_credentials with a
// certificate assertion), keys. Errors use AAD's body shape: {error, error_description,
// error_codes, ...}. The authorization endpoint (a page a person sees) is authorize.ts.
import { createHash } from 'node:crypto';
import type { Directory } from '../mailbox/directory.js';
import { checkClientAssertion, type AppRegistry } from './apps.js';
import { TokenStore, type DeviceCode } from './tokens.js';

/** A Conditional Access policy as the simulator plays it: only the device-code flow can be blocked. */
export interface ConditionalAccess {
  blockDeviceCode: boolean;
  /** The AADSTS code of the refusal: 53003 (blocked by Conditional Access) or 50199. */
  errorCode: 53003 | 50199;
}

export interface IdentityEnv {
  base: string;
  tenantId: string;
  directory: Directory;
  tokens: TokenStore;
  apps: AppRegistry;
  conditionalAccess: ConditionalAccess;
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

export function oauthError(error: string, code: number, description: string, status = 400, extra: Record<string, unknown> = {}): IdentityReply {
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
      ...extra,
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

const CA_REFUSALS: Record<ConditionalAccess['errorCode'], string> = {
  53003: 'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
  50199: 'For security reasons, user confirmation is required for this request. Please repeat the request allowing user interaction.',
};

export function issuer(env: IdentityEnv): string {
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
  // The policy is evaluated once the person has signed in, as Entra ID does: the code was entered,
  // the token is refused (https://learn.microsoft.com/entra/identity/conditional-access/concept-authentication-flows).
  if (env.conditionalAccess.blockDeviceCode) {
    const ca = env.conditionalAccess.errorCode;
    return oauthError('invalid_grant', ca, CA_REFUSALS[ca], 400, { suberror: 'message_only' });
  }
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

/** S256: https://datatracker.ietf.org/doc/html/rfc7636#section-4.2 */
export const s256 = (verifier: string) => createHash('sha256').update(verifier, 'ascii').digest('base64url');

function redeemCode(env: IdentityEnv, form: URLSearchParams, scope: string): IdentityReply {
  const taken = env.tokens.takeAuthCode(form.get('code') ?? '');
  if (taken === 'unknown') return oauthError('invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.');
  if (taken === 'expired') return oauthError('invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.');
  if (taken.clientId !== form.get('client_id')) return oauthError('invalid_grant', 70000, "The provided value for the 'code' parameter is not valid. The code was issued to a different client.");
  if (taken.redirectUri !== (form.get('redirect_uri') ?? '')) {
    return oauthError('invalid_grant', 70000, "The provided value for the 'redirect_uri' parameter does not match the one of the authorization request.");
  }
  const verifier = form.get('code_verifier') ?? '';
  if (!verifier || s256(verifier) !== taken.challenge) {
    return oauthError('invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.');
  }
  const mailbox = env.directory.get(taken.email);
  if (!mailbox) return oauthError('invalid_grant', 50034, 'The user account does not exist in this directory.');
  return { status: 200, mailbox: mailbox.user.email, body: env.tokens.issue(mailbox.user, env.tenantId, issuer(env), taken.clientId, scope || taken.scope) };
}

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

function clientCredentials(env: IdentityEnv, tenant: string, form: URLSearchParams, scope: string): IdentityReply {
  const clientId = form.get('client_id') ?? '';
  if (tenant.toLowerCase() !== env.tenantId) {
    return oauthError('invalid_request', 700016, "The client-credentials grant needs the tenant's own authority, not 'organizations' or 'common'.");
  }
  if (!scope.split(/\s+/).some((s) => s.endsWith('/.default'))) {
    return oauthError('invalid_scope', 1002012, `The provided value for scope ${scope || '(none)'} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
  }
  const assertion = form.get('client_assertion');
  if (form.get('client_assertion_type') !== JWT_BEARER || !assertion) {
    return oauthError('invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", 401);
  }
  const checked = checkClientAssertion(env.apps, clientId, assertion, `${env.base}/${tenant}/oauth2/v2.0/token`);
  if (!checked.ok) return oauthError(checked.error, checked.code, checked.description, checked.error === 'invalid_client' ? 401 : 400);
  return { status: 200, body: env.tokens.issueApp(checked.app.clientId, env.tenantId, checked.app.roles, scope) };
}

const token: Handler = (env, tenant, form) => {
  const scope = form.get('scope') ?? '';
  const grant = form.get('grant_type');
  if (!form.get('client_id')) return { ...oauthError('invalid_request', 900144, "The request body must contain the following parameter: 'client_id'."), scope };
  if (grant && DEVICE_CODE_GRANTS.includes(grant)) return { ...pollDeviceCode(env, form, scope), scope };
  if (grant === 'refresh_token') return { ...refresh(env, form, scope), scope };
  if (grant === 'authorization_code') return { ...redeemCode(env, form, scope), scope };
  if (grant === 'client_credentials') return { ...clientCredentials(env, tenant, form, scope), scope };
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
