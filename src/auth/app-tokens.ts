// App-only tokens for the firm's connection (client credentials with a certificate): one
// confidential client per process and connection, so the daemon asks Microsoft for a token about
// once an hour (MSAL keeps it in memory until 5 minutes before it expires), not once per staff
// member per cycle. The key is read (and its file's mode checked) when that client is made.
// https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow

import type { ConfidentialClientApplication as Cca } from '@azure/msal-node';
import { ActionRequiredError, CliError, TransientError, UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import type { AppConnection } from '../store/app-connection.js';
import { loadAppCredential, type AppCredential } from './app-credential.js';
import { createCca, signInServerFailure, type AuthSettings, type SignInClient } from './msal.js';
import type { SignInRefusal } from './network.js';
import type { TokenSource } from './tokens.js';

/** Graph's own scope for app-only access: whatever application permissions the admin granted. */
export const appScope = (graphBaseUrl: string) => `${graphBaseUrl}/.default`;

export interface AppTokenOptions {
  app: Pick<AppConnection, 'clientId' | 'tenantId' | 'thumbprint' | 'certificatePath'>;
  authorityHost: string;
  graphBaseUrl: string;
  env: Record<string, string | undefined>;
  log: Logger;
}

const clients = new Map<string, SignInClient<Cca>>();

function settingsOf(o: AppTokenOptions): AuthSettings {
  return { clientId: o.app.clientId, tenantId: o.app.tenantId, authorityHost: o.authorityHost };
}

/** The firm's app-only sign-in was refused: nothing a rerun fixes. */
export function appRefused(refusal: SignInRefusal | null, fallback: string): ActionRequiredError {
  const what = refusal ? `${refusal.error}: ${refusal.description}` : fallback;
  return new ActionRequiredError('app_refused', `Microsoft refused the firm's app-only sign-in (${what})`, {
    hint: 'check the app registration: the certificate under Certificates & secrets (same thumbprint), auth.clientId and auth.tenantId; then connect again: caseflow-outlook connect --app --force',
  });
}

/** A token now, mapped to what a person reads when Microsoft says no. */
export async function acquireAppToken(client: SignInClient<Cca>, o: AppTokenOptions, forceRefresh = false): Promise<string> {
  client.network.forget();
  try {
    const result = await client.client.acquireTokenByClientCredential({ scopes: [appScope(o.graphBaseUrl)], skipCache: forceRefresh });
    if (!result?.accessToken) throw new TransientError("Microsoft returned no token for the firm's app-only sign-in");
    return result.accessToken;
  } catch (error) {
    if (error instanceof CliError) throw error;
    const refusal = client.network.lastRefusal;
    if (refusal && /invalid_client|unauthorized_client|invalid_request|invalid_scope|invalid_grant/.test(refusal.error)) throw appRefused(refusal, refusal.error);
    const server = await signInServerFailure(error, settingsOf(o));
    if (server) throw server;
    const e = error as { errorCode?: string; message?: string };
    if (/invalid_client|unauthorized_client/.test(`${e.errorCode ?? ''} ${e.message ?? ''}`)) throw appRefused(null, e.errorCode ?? 'invalid_client');
    throw new TransientError(`could not get the firm's app-only token: ${e.message ?? String(error)}`, { cause: error });
  }
}

/** The client for the connection, made (and its key read) once per process. */
export async function appClient(o: AppTokenOptions, credential?: AppCredential): Promise<SignInClient<Cca>> {
  const id = `${o.app.clientId}|${o.authorityHost}/${o.app.tenantId}|${o.app.thumbprint}|${o.app.certificatePath ?? 'env'}`;
  const known = clients.get(id);
  if (known && !credential) return known;
  let c = credential;
  if (!c) {
    try {
      c = loadAppCredential({ path: o.app.certificatePath, thumbprint: o.app.thumbprint, env: o.env, strict: false });
    } catch (error) {
      // At run time a bad key file is for a person to fix, as a revoked sign-in is.
      if (error instanceof UsageError) throw new ActionRequiredError('app_credential', error.message, { hint: error.hint, cause: error });
      throw error;
    }
  }
  const client = await createCca(settingsOf(o), { thumbprint: c.thumbprint, privateKey: c.privateKey }, o.log);
  clients.set(id, client);
  return client;
}

/** A token source for a staff member synced through the firm's app-only connection. */
export async function appTokenSource(o: AppTokenOptions): Promise<TokenSource> {
  const client = await appClient(o);
  // As for a staff member's own sign-in: a refused credential ends the command here, exit 3.
  let primed: string | null = await acquireAppToken(client, o);
  return {
    async getAccessToken(options = {}) {
      if (options.forceRefresh) {
        primed = null;
        return acquireAppToken(client, o, true);
      }
      const token = primed ?? (await acquireAppToken(client, o));
      primed = null;
      return token;
    },
  };
}
