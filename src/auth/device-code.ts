// The device-code sign-in. It runs on an in-memory cache: nothing reaches the store
// until the sign-in has succeeded, so Ctrl-C, expiry or a decline leave nothing behind.

import type { DeviceCodeRequest } from '@azure/msal-node';

type DeviceCodeResponse = Parameters<DeviceCodeRequest['deviceCodeCallback']>[0];
import { ActionRequiredError, InterruptedError, TransientError } from '../errors.js';
import type { Logger } from '../log.js';
import { createPca, SCOPES, signInServerFailure, type AuthSettings } from './msal.js';
import { conditionalAccessRefusal, type SignInRefusal } from './network.js';

export interface SignedIn {
  homeAccountId: string;
  username: string;
  /** The serialized MSAL cache (holds tokens: encrypt before storing). */
  cache: string;
  /** The access token the sign-in gave, kept for the first run (tokens.ts keepSignInToken). */
  token: SignInToken;
}

export interface SignInToken {
  accessToken: string;
  expiresOn: Date | null;
  refreshOn?: Date;
  /** When the sign-in's token request was made, by the system's clock. */
  sinceMs: number;
}

/** The token of an MSAL result, asked for at `sinceMs`. */
export function signInToken(result: { accessToken: string; expiresOn: Date | null; refreshOn?: Date }, sinceMs: number): SignInToken {
  return { accessToken: result.accessToken, expiresOn: result.expiresOn, ...(result.refreshOn ? { refreshOn: result.refreshOn } : {}), sinceMs };
}

export interface DeviceCodeOptions {
  settings: AuthSettings;
  /** The staff member signing in, named in the hints. */
  staff: string;
  log: Logger;
  signal: AbortSignal;
  /** Receives Microsoft's instruction (URL and code); the caller prints it to stderr. */
  onInstruction: (message: string, info: { userCode: string; verificationUri: string; expiresIn: number }) => void;
}

export async function deviceCodeSignIn(o: DeviceCodeOptions): Promise<SignedIn> {
  const { client: pca, network } = await createPca(o.settings, undefined, o.log);
  const request = {
    scopes: SCOPES,
    cancel: false,
    deviceCodeCallback: (r: DeviceCodeResponse) => o.onInstruction(r.message, { userCode: r.userCode, verificationUri: r.verificationUri, expiresIn: r.expiresIn }),
  };
  const onAbort = () => {
    request.cancel = true;
  };
  if (o.signal.aborted) throw new InterruptedError();
  o.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const sinceMs = Date.now();
    const result = await pca.acquireTokenByDeviceCode(request);
    if (o.signal.aborted) throw new InterruptedError('interrupted: sign-in cancelled, nothing was saved');
    if (!result?.account) throw new TransientError('Microsoft returned no account for this sign-in, nothing was saved', { hint: 'run the same connect command again' });
    return { homeAccountId: result.account.homeAccountId, username: result.account.username, cache: pca.getTokenCache().serialize(), token: signInToken(result, sinceMs) };
  } catch (error) {
    const refusal = o.signal.aborted ? null : network.lastRefusal;
    const blocked = conditionalAccessRefusal(refusal);
    if (blocked) throw deviceCodeBlocked(o.staff, blocked);
    // AADSTS65001: nobody consented to the app's permission, and this user may not.
    if (refusal?.codes.includes(65001)) throw consentRequired(o.staff, refusal);
    const server = o.signal.aborted ? null : await signInServerFailure(error, o.settings);
    throw server ?? mapSignInError(error, o.signal);
  } finally {
    o.signal.removeEventListener('abort', onAbort);
  }
}

/**
 * Conditional Access refused the device-code sign-in (AADSTS53003; Microsoft recommends that
 * tenants block the flow: https://learn.microsoft.com/entra/identity/conditional-access/concept-authentication-flows).
 * Running it again would meet the same policy: a person must choose another way in.
 */
export function deviceCodeBlocked(staff: string, refusal: SignInRefusal): ActionRequiredError {
  const code = refusal.codes.find((c) => (c >= 53000 && c <= 53004) || c === 50199) ?? refusal.codes[0];
  return new ActionRequiredError('sign_in_blocked', `Microsoft refused the device-code sign-in of ${staff}: your organisation's Conditional Access policy blocks it (AADSTS${code}); nothing was saved`, {
    hint: `sign in with a browser on this machine instead: caseflow-outlook connect --staff ${staff} --browser, or have a Microsoft 365 admin connect the whole firm app-only: caseflow-outlook connect --app`,
  });
}

export function consentRequired(staff: string, refusal: SignInRefusal): ActionRequiredError {
  return new ActionRequiredError('consent_required', `Microsoft refused the sign-in of ${staff}: an admin must grant consent to the app first (${refusal.description || 'AADSTS65001'}); nothing was saved`, {
    hint: 'ask your Microsoft 365 admin to grant admin consent for Calendars.ReadWrite on the app registration (Entra ID > App registrations > API permissions > Grant admin consent), then connect again',
  });
}

function mapSignInError(error: unknown, signal: AbortSignal): Error {
  if (error instanceof InterruptedError || error instanceof ActionRequiredError || error instanceof TransientError) return error;
  const e = error as { errorCode?: string; message?: string };
  const code = e.errorCode ?? '';
  if (signal.aborted || code === 'device_code_polling_cancelled') return new InterruptedError('interrupted: sign-in cancelled, nothing was saved');
  if (code === 'authorization_declined' || /authorization_declined/.test(e.message ?? '')) {
    return new ActionRequiredError('sign_in_declined', 'the sign-in was declined, nothing was saved', { hint: 'run connect again and approve the request' });
  }
  if (code === 'expired_token' || code === 'device_code_expired' || /expired_token|device_code_expired/.test(e.message ?? '')) {
    return new ActionRequiredError('sign_in_expired', 'the sign-in code expired before it was used, nothing was saved', { hint: 'run connect again and enter the code within its time' });
  }
  if (/invalid_client|unauthorized_client|invalid_scope|AADSTS7000218|AADSTS700016/.test(`${code} ${e.message ?? ''}`)) {
    return new ActionRequiredError('sign_in_refused', `Microsoft refused the sign-in: ${code || e.message}`, {
      hint: 'check auth.clientId and auth.tenantId (the app registration must allow public client flows)',
    });
  }
  return new TransientError(`sign-in failed, nothing was saved: ${e.message ?? String(error)}`, { hint: 'check the network and auth.authorityHost (env CASEFLOW_AUTHORITY_HOST), then run the same connect command again', cause: error });
}
