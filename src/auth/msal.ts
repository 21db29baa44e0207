// The MSAL public client for one staff member. Scopes are the least privilege:
// Calendars.ReadWrite; MSAL adds openid, profile and offline_access itself
// (docs/graph.md#scopes-and-consent).

import type { ConfidentialClientApplication as Cca, Configuration, ICachePlugin, PublicClientApplication as Pca } from '@azure/msal-node';
import { CliError, ExitCode, networkFailure, unreachable, UnreachableError, UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import { SignInNetwork } from './network.js';

export const SCOPES = ['Calendars.ReadWrite'];

/** Sign-in hosts MSAL knows as Microsoft clouds (docs/graph.md#national-clouds). */
const MICROSOFT_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
  'login.windows.net',
  'login.microsoft.com',
  'sts.windows.net',
]);

export interface AuthSettings {
  clientId: string | null;
  tenantId: string;
  authorityHost: string;
}

export function requireClientId(settings: AuthSettings): string {
  if (!settings.clientId) {
    throw new UsageError('auth.clientId is not set: the application (client) id of your Entra ID app registration is needed to sign in', {
      hint: 'set CASEFLOW_CLIENT_ID or auth.clientId in the config file (see config.example.json)',
    });
  }
  return settings.clientId;
}

export function msalConfiguration(
  settings: AuthSettings,
  cachePlugin: ICachePlugin | undefined,
  log: Logger,
  authorityMetadata?: string,
  network?: SignInNetwork,
): Configuration {
  const clientId = requireClientId(settings);
  const host = new URL(settings.authorityHost);
  const authority = `${settings.authorityHost}/${settings.tenantId}`;
  // A host that is not a Microsoft cloud (the simulator, a test tenant proxy) must be listed as a
  // known authority, or MSAL tries instance discovery against Microsoft. With the authority's
  // metadata already at hand it is listed too: there is nothing left to discover.
  const knownAuthorities = MICROSOFT_HOSTS.has(host.hostname) && !authorityMetadata ? [] : [host.host];
  return {
    auth: { clientId, authority, knownAuthorities, ...(authorityMetadata ? { authorityMetadata } : {}) },
    ...(cachePlugin ? { cache: { cachePlugin } } : {}),
    system: {
      ...(network ? { networkClient: network } : {}),
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: 1, // Warning
        // MSAL's own lines go through our redacting logger, and only with --verbose.
        loggerCallback: (_level: number, message: string) => log.debug(`msal: ${message}`),
      },
    },
  };
}

/**
 * The sign-in server's metadata (its OpenID configuration), read once per process and authority:
 * every MSAL client made afterwards starts with it, so a run whose access token is still fresh
 * sends no sign-in request at all (a daemon cycle over many staff members used to send one each).
 * https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc#find-your-apps-openid-configuration-document-uri
 */
const metadataByAuthority = new Map<string, string>();
/** The read in flight per authority: runs that start together (a daemon cycle) share one request. */
const readingByAuthority = new Map<string, Promise<string | undefined>>();

function authorityMetadata(authority: string, log: Logger): Promise<string | undefined> {
  const known = metadataByAuthority.get(authority);
  if (known) return Promise.resolve(known);
  let reading = readingByAuthority.get(authority);
  if (!reading) {
    reading = readAuthorityMetadata(authority, log).finally(() => readingByAuthority.delete(authority));
    readingByAuthority.set(authority, reading);
  }
  return reading;
}

async function readAuthorityMetadata(authority: string, log: Logger): Promise<string | undefined> {
  try {
    const res = await fetch(`${authority}/v2.0/.well-known/openid-configuration`, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) return undefined;
    const text = await res.text();
    const doc = JSON.parse(text) as { token_endpoint?: unknown; authorization_endpoint?: unknown; issuer?: unknown };
    // Only a document MSAL can use; anything else is left to MSAL, which says what is wrong.
    if (typeof doc.token_endpoint !== 'string' || typeof doc.authorization_endpoint !== 'string' || typeof doc.issuer !== 'string') return undefined;
    metadataByAuthority.set(authority, text);
    return text;
  } catch (error) {
    log.debug(`sign-in server metadata not read ahead (${(error as Error).name}); MSAL reads it itself`);
    return undefined;
  }
}

/** An MSAL client and its network client, which remembers the sign-in server's last refusal. */
export interface SignInClient<C> {
  client: C;
  network: SignInNetwork;
}

export async function createPca(settings: AuthSettings, cachePlugin: ICachePlugin | undefined, log: Logger): Promise<SignInClient<Pca>> {
  const msal = await import('@azure/msal-node');
  const metadata = settings.clientId ? await authorityMetadata(`${settings.authorityHost}/${settings.tenantId}`, log) : undefined;
  const network = new SignInNetwork(msal.AuthError);
  return { client: new msal.PublicClientApplication(msalConfiguration(settings, cachePlugin, log, metadata, network)), network };
}

/**
 * The confidential client of app-only mode: client credentials with a certificate. msal-node
 * signs the client assertion with the private key (PS256 for a SHA-256 thumbprint, RS256 for the
 * older SHA-1 one): https://learn.microsoft.com/entra/msal/javascript/node/certificate-credentials
 */
export async function createCca(settings: AuthSettings, certificate: { thumbprint: string; privateKey: string }, log: Logger): Promise<SignInClient<Cca>> {
  const msal = await import('@azure/msal-node');
  const metadata = await authorityMetadata(`${settings.authorityHost}/${settings.tenantId}`, log);
  const network = new SignInNetwork(msal.AuthError);
  const config = msalConfiguration(settings, undefined, log, metadata, network);
  const thumb = certificate.thumbprint.length === 64 ? { thumbprintSha256: certificate.thumbprint } : { thumbprint: certificate.thumbprint };
  config.auth.clientCertificate = { ...thumb, privateKey: certificate.privateKey };
  return { client: new msal.ConfidentialClientApplication(config), network };
}

/** `invalid_grant` / interaction_required: the refresh token is gone for good. */
export function isReconnectError(error: unknown): boolean {
  const e = error as { name?: string; errorCode?: string; subError?: string; message?: string } | null;
  if (!e) return false;
  if (e.name === 'InteractionRequiredAuthError') return true;
  const code = `${e.errorCode ?? ''} ${e.subError ?? ''}`;
  return /invalid_grant|interaction_required|login_required|consent_required|no_tokens_found|bad_token|token_refresh_required/.test(code) ||
    /invalid_grant/.test(e.message ?? '');
}

/** The setting a user fixes when the sign-in server cannot be reached. */
const SIGN_IN_SETTING = 'auth.authorityHost (env CASEFLOW_AUTHORITY_HOST)';

/** MSAL's codes for "the sign-in server did not answer usefully" (msal-common ClientAuthErrorCodes). */
const SERVER_CODES = new Set(['network_error', 'endpoints_resolution_error', 'openid_config_error', 'no_network_connectivity']);

/**
 * Says why the sign-in server could not be used, or null when `error` is not about reaching it.
 * MSAL keeps no cause: endpoints_resolution_error drops the failed request's error, network_error
 * keeps only "fetch failed". So on those codes the server is asked once more, directly, for the
 * OpenID metadata MSAL wanted (nothing secret is sent), and the answer or the failure is named.
 */
export async function signInServerFailure(error: unknown, settings: AuthSettings): Promise<CliError | null> {
  const code = (error as { errorCode?: unknown } | null)?.errorCode;
  const direct = networkFailure(error);
  if (direct) return unreachable('the Microsoft sign-in server', settings.authorityHost, direct, SIGN_IN_SETTING, error);
  if (typeof code !== 'string' || !SERVER_CODES.has(code)) return null;
  const metadata = `${settings.authorityHost}/${encodeURIComponent(settings.tenantId)}/v2.0/.well-known/openid-configuration`;
  let status: number;
  try {
    const res = await fetch(metadata, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    status = res.status;
    await res.arrayBuffer().catch(() => undefined);
  } catch (probeError) {
    const failure = networkFailure(probeError);
    if (failure) return unreachable('the Microsoft sign-in server', settings.authorityHost, failure, SIGN_IN_SETTING, error);
    return new UnreachableError(`cannot reach the Microsoft sign-in server at ${settings.authorityHost} (${code})`, {
      hint: `check ${SIGN_IN_SETTING} and the network, then run the same command again`,
      cause: error,
    });
  }
  if (code === 'network_error' || code === 'no_network_connectivity' || (status >= 200 && status < 300)) {
    return new UnreachableError(`the connection to the Microsoft sign-in server at ${settings.authorityHost} failed (${code})`, {
      hint: 'check the network, then run the same command again',
      cause: error,
    });
  }
  return new CliError(
    'sign_in_server',
    `the sign-in server at ${settings.authorityHost} answered ${status} when asked for the sign-in endpoints of tenant "${settings.tenantId}" (${code})`,
    ExitCode.transient,
    { hint: 'check auth.authorityHost and auth.tenantId in the config file (env CASEFLOW_AUTHORITY_HOST), then run the same command again', cause: error },
  );
}
