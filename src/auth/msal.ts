// The MSAL public client for one staff member (SPEC §4). Scopes are the least privilege:
// Calendars.ReadWrite; MSAL adds openid, profile and offline_access itself.

import type { Configuration, ICachePlugin, PublicClientApplication as Pca } from '@azure/msal-node';
import { UsageError } from '../errors.js';
import type { Logger } from '../log.js';

export const SCOPES = ['Calendars.ReadWrite'];

/** Sign-in hosts MSAL knows as Microsoft clouds (GRAPH.md: national clouds). */
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

export function msalConfiguration(settings: AuthSettings, cachePlugin: ICachePlugin | undefined, log: Logger): Configuration {
  const clientId = requireClientId(settings);
  const host = new URL(settings.authorityHost);
  const authority = `${settings.authorityHost}/${settings.tenantId}`;
  // A host that is not a Microsoft cloud (the simulator, a test tenant proxy) must be listed as a
  // known authority, or MSAL tries instance discovery against Microsoft.
  const knownAuthorities = MICROSOFT_HOSTS.has(host.hostname) ? [] : [host.host];
  return {
    auth: { clientId, authority, knownAuthorities },
    ...(cachePlugin ? { cache: { cachePlugin } } : {}),
    system: {
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: 1, // Warning
        // MSAL's own lines go through our redacting logger, and only with --verbose.
        loggerCallback: (_level: number, message: string) => log.debug(`msal: ${message}`),
      },
    },
  };
}

export async function createPca(settings: AuthSettings, cachePlugin: ICachePlugin | undefined, log: Logger): Promise<Pca> {
  const { PublicClientApplication } = await import('@azure/msal-node');
  return new PublicClientApplication(msalConfiguration(settings, cachePlugin, log));
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
