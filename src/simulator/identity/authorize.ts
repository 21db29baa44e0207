// The authorization endpoint of the authorization code flow with PKCE
// (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow): the page a
// person sees in the browser. It checks the request, lets them pick a simulator user and approve
// or decline (or approves at once as the auto-approve user), then sends the browser back to the
// loopback redirect URI: a 302 with the code in the query, or for `response_mode=form_post` a
// page whose form posts it there (what msal-node's interactive flow asks for).
import type { IdentityEnv } from './endpoints.js';

export interface AuthorizePage {
  status: number;
  /** HTML, or null for a redirect. */
  html: string | null;
  headers: Record<string, string>;
  /** For the request log: who signed in. */
  mailbox: string | null;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, inner: string, status = 200): AuthorizePage {
  const html =
    `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head>` +
    `<body style="font-family:sans-serif;max-width:32em;margin:3em auto"><h1>${esc(title)}</h1>${inner}</body></html>`;
  return { status, html, headers: {}, mailbox: null };
}

/**
 * Loopback redirect URIs only, any port (as Entra ID allows for `http://localhost`):
 * https://learn.microsoft.com/entra/identity-platform/reply-url#localhost-exceptions
 */
export function isLoopbackRedirect(uri: string): boolean {
  try {
    const u = new URL(uri);
    return u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname) && !u.hash;
  } catch {
    return false;
  }
}

/** Sends the browser back to the client with `params` (code and state, or error). */
function back(redirectUri: string, mode: string, params: Record<string, string>, mailbox: string | null): AuthorizePage {
  if (mode === 'form_post') {
    const inputs = Object.entries(params).map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('');
    const html =
      `<!doctype html><html><head><meta charset="utf-8"><title>Working...</title></head><body>` +
      `<form method="POST" name="hiddenform" action="${esc(redirectUri)}">${inputs}<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit"></noscript></form>` +
      '<script>document.forms[0].submit()</script></body></html>';
    return { status: 200, html, headers: {}, mailbox };
  }
  const target = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
  return { status: 302, html: null, headers: { Location: target.toString() }, mailbox };
}

function oauthErrorBack(redirectUri: string, mode: string, state: string | null, error: string, code: number, description: string): AuthorizePage {
  return back(redirectUri, mode, { error, error_description: `AADSTS${code}: ${description}`, error_codes: `[${code}]`, ...(state !== null ? { state } : {}) }, null);
}

export function authorizePage(env: IdentityEnv, tenant: string, method: string, query: URLSearchParams, form: URLSearchParams): AuthorizePage {
  if (![env.tenantId, 'organizations', 'common'].includes(tenant.toLowerCase())) {
    return page('Sign-in failed', `<p>AADSTS90002: Tenant '${esc(tenant)}' not found.</p>`, 400);
  }
  const clientId = query.get('client_id');
  const redirectUri = query.get('redirect_uri') ?? '';
  if (!clientId) return page('Sign-in failed', "<p>AADSTS900144: The request body must contain the following parameter: 'client_id'.</p>", 400);
  // Errors that cannot be trusted to go back to the client are shown here.
  if (!isLoopbackRedirect(redirectUri)) {
    return page('Sign-in failed', `<p>AADSTS50011: The redirect URI '${esc(redirectUri)}' specified in the request does not match the redirect URIs configured for the application '${esc(clientId)}'.</p>`, 400);
  }
  const mode = query.get('response_mode') ?? 'query';
  const state = query.get('state');
  if (query.get('response_type') !== 'code') {
    return oauthErrorBack(redirectUri, mode, state, 'unsupported_response_type', 700054, "The app requested a response type other than 'code'.");
  }
  const challenge = query.get('code_challenge');
  if (!challenge || query.get('code_challenge_method') !== 'S256') {
    return oauthErrorBack(redirectUri, mode, state, 'invalid_request', 501491, "PKCE is required: code_challenge with code_challenge_method 'S256'.");
  }
  const scope = query.get('scope') ?? '';
  const hint = query.get('login_hint') ?? '';
  const auto = env.autoApprove();
  // As for device codes: the auto-approve user signs in, made a user first if need be.
  if (auto && method === 'GET') env.directory.add({ email: auto });
  let email = auto;
  if (method === 'POST') {
    if (form.get('action') === 'decline') return oauthErrorBack(redirectUri, mode, state, 'access_denied', 65004, 'User declined to consent to access the app.');
    email = form.get('email') ?? '';
  }
  if (!email) {
    const options = env.directory
      .users()
      .map((u) => `<option value="${esc(u.email)}"${u.email.toLowerCase() === hint.toLowerCase() ? ' selected' : ''}>${esc(u.name)} &lt;${esc(u.email)}&gt;</option>`)
      .join('');
    return page(
      'Sign in',
      `<form method="post"><p><label>Account <select name="email">${options}</select></label></p>` +
        `<p>caseflow-outlook asks for: ${esc(scope)}</p>` +
        '<p><button name="action" value="approve">Sign in</button> <button name="action" value="decline">Decline</button></p></form>' +
        '<p>caseflow-outlook simulator: no Microsoft account is involved.</p>',
    );
  }
  const mailbox = env.directory.get(email);
  if (!mailbox) return page('Sign-in failed', `<p>AADSTS50034: The user account ${esc(email)} does not exist in this directory.</p><p><a href="">Try again</a></p>`, 400);
  const code = env.tokens.newAuthCode({ clientId, redirectUri, scope, challenge, email: mailbox.user.email });
  const clientInfo = Buffer.from(JSON.stringify({ uid: mailbox.user.oid, utid: env.tenantId })).toString('base64url');
  return back(redirectUri, mode, { code: code.code, client_info: clientInfo, ...(state !== null ? { state } : {}) }, mailbox.user.email);
}
