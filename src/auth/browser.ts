// The browser sign-in, for tenants that block the device-code flow: the authorization code flow
// with PKCE on a loopback redirect (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow,
// https://learn.microsoft.com/entra/identity-platform/reply-url#localhost-exceptions). It is what
// msal-node's acquireTokenInteractive does, with our own small loopback server so that Ctrl-C or
// the time limit closes it at once (msal-node's offers no way to stop waiting). Like the device
// code sign-in it runs on an in-memory cache: nothing reaches the store until it has succeeded.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActionRequiredError, InterruptedError, TransientError } from '../errors.js';
import type { Logger } from '../log.js';
import { consentRequired, signInToken, type SignedIn } from './device-code.js';
import { createPca, SCOPES, signInServerFailure, type AuthSettings } from './msal.js';
import { conditionalAccessRefusal } from './network.js';

export interface BrowserOptions {
  settings: AuthSettings;
  /** The staff member signing in: the sign-in page is offered their account first. */
  staff: string;
  log: Logger;
  signal: AbortSignal;
  /** Receives the URL to open in a browser; the caller prints it and may open a browser. */
  onUrl: (url: string) => void;
  /** How long to wait for the browser (an authorization code lives 10 minutes). */
  timeoutMs: number;
  /** The loopback port; 0 (default) picks a free one. */
  port?: number;
}

interface AuthorizeAnswer {
  code?: string;
  clientInfo?: string;
  error?: string;
  description?: string;
}

const PAGE = (title: string, text: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif;max-width:32em;margin:3em auto"><h1>${title}</h1><p>${text}</p></body></html>`;

const nothingSaved = 'nothing was saved';

/** The loopback listener: resolves with the first answer that carries our `state`. */
function listen(port: number, state: string): { server: Server; ready: Promise<number>; answer: Promise<AuthorizeAnswer> } {
  let settle!: (a: AuthorizeAnswer) => void;
  const answer = new Promise<AuthorizeAnswer>((resolve) => (settle = resolve));
  const reply = (res: ServerResponse, status: number, html: string) => {
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(html);
  };
  const take = (params: URLSearchParams, res: ServerResponse) => {
    if (!params.has('code') && !params.has('error')) return reply(res, 200, PAGE('caseflow-outlook', 'Waiting for the Microsoft sign-in.'));
    // Another page's answer (or a forged one) is not ours: keep waiting for ours.
    if (params.getAll('state').length !== 1 || params.get('state') !== state) return reply(res, 400, PAGE('Not this sign-in', 'This answer does not belong to the sign-in in progress.'));
    const a: AuthorizeAnswer = {};
    const code = params.get('code');
    const clientInfo = params.get('client_info');
    const error = params.get('error');
    const description = params.get('error_description');
    if (code) a.code = code;
    if (clientInfo) a.clientInfo = clientInfo;
    if (error) a.error = error;
    if (description) a.description = description;
    reply(res, 200, a.code ? PAGE('Signed in', 'You can close this window and go back to the terminal.') : PAGE('Sign-in refused', 'Microsoft refused the sign-in; the terminal says why.'));
    settle(a);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/') return reply(res, 404, PAGE('Not found', ''));
    if (req.method === 'GET') return take(url.searchParams, res);
    if (req.method !== 'POST') return reply(res, 405, PAGE('Not allowed', ''));
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > 64 * 1024) req.destroy();
    });
    req.on('end', () => take(new URLSearchParams(body), res));
  });
  const ready = new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
  return { server, ready, answer };
}

export async function browserSignIn(o: BrowserOptions): Promise<SignedIn> {
  if (o.signal.aborted) throw new InterruptedError();
  const msal = await import('@azure/msal-node');
  const { client: pca, network } = await createPca(o.settings, undefined, o.log);
  const crypto = new msal.CryptoProvider();
  const { verifier, challenge } = await crypto.generatePkceCodes();
  const state = crypto.createNewGuid();
  const loopback = listen(o.port ?? 0, state);
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    const port = await loopback.ready;
    // Entra ID takes any port for a registered http://localhost redirect.
    const redirectUri = `http://localhost:${port}`;
    const url = await pca.getAuthCodeUrl({
      scopes: SCOPES,
      redirectUri,
      codeChallenge: challenge,
      codeChallengeMethod: 'S256',
      state,
      responseMode: msal.ResponseMode.FORM_POST,
      // Offered first on the sign-in page (MSAL drops it when prompt=select_account is asked for).
      loginHint: o.staff,
    });
    o.onUrl(url);
    const stopped = new Promise<never>((_resolve, reject) => {
      onAbort = () => reject(new InterruptedError(`interrupted: sign-in cancelled, ${nothingSaved}`));
      o.signal.addEventListener('abort', onAbort, { once: true });
      timer = setTimeout(() => {
        reject(
          new ActionRequiredError('sign_in_expired', `the browser sign-in was not finished within ${Math.round(o.timeoutMs / 60_000)} minutes, ${nothingSaved}`, {
            hint: `run connect again and finish the sign-in in the browser: caseflow-outlook connect --staff ${o.staff} --browser`,
          }),
        );
      }, o.timeoutMs);
    });
    const answer = await Promise.race([loopback.answer, stopped]);
    if (!answer.code) throw refused(o.staff, answer);
    const sinceMs = Date.now();
    const result = await Promise.race([
      pca.acquireTokenByCode({ code: answer.code, codeVerifier: verifier, redirectUri, scopes: SCOPES, ...(answer.clientInfo ? { clientInfo: answer.clientInfo } : {}) }),
      stopped,
    ]);
    if (o.signal.aborted) throw new InterruptedError(`interrupted: sign-in cancelled, ${nothingSaved}`);
    if (!result?.account) throw new TransientError(`Microsoft returned no account for this sign-in, ${nothingSaved}`, { hint: 'run the same connect command again' });
    return { homeAccountId: result.account.homeAccountId, username: result.account.username, cache: pca.getTokenCache().serialize(), token: signInToken(result, sinceMs) };
  } catch (error) {
    if (error instanceof InterruptedError || error instanceof ActionRequiredError || error instanceof TransientError) throw error;
    if (o.signal.aborted) throw new InterruptedError(`interrupted: sign-in cancelled, ${nothingSaved}`);
    const refusal = network.lastRefusal;
    if (refusal) throw refused(o.staff, { error: refusal.error, description: refusal.description });
    const server = await signInServerFailure(error, o.settings);
    if (server) throw server;
    const listenCode = (error as NodeJS.ErrnoException).code;
    if (listenCode === 'EADDRINUSE' || listenCode === 'EACCES') {
      throw new TransientError(`cannot listen on 127.0.0.1:${o.port ?? 0} for the sign-in's answer (${listenCode}), ${nothingSaved}`, { hint: 'run the same connect command again', cause: error });
    }
    throw new TransientError(`sign-in failed, ${nothingSaved}: ${(error as Error).message ?? String(error)}`, {
      hint: 'check the network and auth.authorityHost (env CASEFLOW_AUTHORITY_HOST), then run the same connect command again',
      cause: error,
    });
  } finally {
    if (timer) clearTimeout(timer);
    if (onAbort) o.signal.removeEventListener('abort', onAbort);
    loopback.server.close();
    loopback.server.closeAllConnections();
  }
}

/** The authorization server (or the token endpoint) said no: what the person can do about it. */
function refused(staff: string, a: AuthorizeAnswer): ActionRequiredError {
  const description = (a.description ?? '').split(/\s+Trace ID:/)[0]!.slice(0, 300);
  const blocked = conditionalAccessRefusal({ error: a.error ?? '', codes: [...description.matchAll(/AADSTS(\d+)/g)].map((m) => Number(m[1])), description });
  if (blocked) {
    return new ActionRequiredError('sign_in_blocked', `Microsoft refused the sign-in of ${staff}: your organisation's Conditional Access policy blocks it (${description || a.error}); ${nothingSaved}`, {
      hint: 'ask your Microsoft 365 admin to allow this sign-in, or to connect the whole firm app-only: caseflow-outlook connect --app',
    });
  }
  if (a.error === 'access_denied') {
    return new ActionRequiredError('sign_in_declined', `the sign-in was declined, ${nothingSaved}`, { hint: `run connect again and approve the request: caseflow-outlook connect --staff ${staff} --browser` });
  }
  if (/AADSTS65001\b/.test(description)) return consentRequired(staff, { error: a.error ?? '', codes: [65001], description });
  return new ActionRequiredError('sign_in_refused', `Microsoft refused the sign-in of ${staff}: ${a.error ?? 'error'}${description ? ` (${description})` : ''}; ${nothingSaved}`, {
    hint: `check auth.clientId and auth.tenantId, and that the app registration has the redirect URI http://localhost (Mobile and desktop applications), then run: caseflow-outlook connect --staff ${staff} --browser`,
  });
}
