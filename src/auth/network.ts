// MSAL's network client, plus a memory of the sign-in server's last refusal. msal-node's device
// code flow reports any refusal but `authorization_pending` as a bare `post_request_failed:
// invalid_grant`, dropping `error_codes` and `error_description`; a Conditional Access block
// (AADSTS53003) looks like an expired code then. This client does what msal-node's own does
// (fetch, JSON, headers as a plain object:
// https://github.com/AzureAD/microsoft-authentication-library-for-js/blob/dev/lib/msal-node/src/network/HttpClient.ts)
// and keeps the error fields of the last refused token request, never a token: an error answer
// carries none.

import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

type AuthErrorClass = typeof import('@azure/msal-node').AuthError;

/** What the sign-in server said when it refused: `invalid_grant`, `[53003]`, `AADSTS53003: ...`. */
export interface SignInRefusal {
  error: string;
  codes: number[];
  description: string;
}

function headerDict(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    out[key] = value;
  });
  return out;
}

function refusalOf(body: unknown): SignInRefusal | null {
  const b = body as { error?: unknown; error_codes?: unknown; error_description?: unknown } | null;
  if (!b || typeof b.error !== 'string') return null;
  const codes = Array.isArray(b.error_codes) ? b.error_codes.map(Number).filter(Number.isFinite) : [];
  // The description names the code too ("AADSTS53003: ..."), for servers that leave error_codes out.
  const description = typeof b.error_description === 'string' ? b.error_description : '';
  const named = /AADSTS(\d+)/.exec(description)?.[1];
  if (named && !codes.includes(Number(named))) codes.push(Number(named));
  return { error: b.error, codes, description: description.split(/\s+Trace ID:/)[0]!.slice(0, 300) };
}

export class SignInNetwork implements INetworkModule {
  /** The last refused POST (token or devicecode endpoint); cleared by `forget()`. */
  lastRefusal: SignInRefusal | null = null;

  constructor(private readonly AuthError: AuthErrorClass) {}

  forget(): void {
    this.lastRefusal = null;
  }

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>(url, 'GET', options, timeout);
  }

  async sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    const response = await this.send<T>(url, 'POST', options);
    const refusal = refusalOf(response.body);
    if (refusal && refusal.error !== 'authorization_pending') this.lastRefusal = refusal;
    return response;
  }

  private async send<T>(url: string, method: 'GET' | 'POST', options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    const headers = new Headers();
    for (const [k, v] of Object.entries(options?.headers ?? {})) headers.append(k, v);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(method === 'POST' ? { body: options?.body ?? '' } : {}),
        ...(timeout ? { signal: AbortSignal.timeout(timeout) } : {}),
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      const failure = new this.AuthError('network_error', '', timedOut ? 'Request timeout' : `Network request failed: ${error instanceof Error ? error.message : 'unknown'}`);
      // Kept, unlike MSAL's own client: the CLI names the network failure from it (errors.ts networkFailure).
      (failure as { cause?: unknown }).cause = error;
      throw failure;
    }
    try {
      return { headers: headerDict(response.headers), body: (await response.json()) as T, status: response.status };
    } catch (error) {
      throw new this.AuthError('token_parsing_error', '', `Failed to parse response: ${error instanceof Error ? error.message : 'unknown'}`);
    }
  }
}

/** A refusal that a Conditional Access policy made (53000-53004), or 50199 (user confirmation required). */
export function conditionalAccessRefusal(refusal: SignInRefusal | null): SignInRefusal | null {
  if (!refusal) return null;
  return refusal.codes.some((c) => (c >= 53000 && c <= 53004) || c === 50199) ? refusal : null;
}
