// The verification page a person opens during `connect` (the simulator's stand-in for
// https://microsoft.com/devicelogin): enter the code, pick a simulator user, approve or decline.
import type { SimulatorControl } from '../control/in-process.js';
import { ControlError } from '../mailbox/model.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, inner: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head>` +
    `<body style="font-family:sans-serif;max-width:32em;margin:3em auto"><h1>${esc(title)}</h1>${inner}</body></html>`;
}

export function deviceLoginPage(control: SimulatorControl, method: string, form: URLSearchParams): { status: number; html: string } {
  if (method === 'POST') {
    const userCode = form.get('user_code') ?? '';
    const email = form.get('email') ?? '';
    try {
      if (form.get('action') === 'decline') {
        control.declineDeviceCode(userCode);
        return { status: 200, html: page('Declined', '<p>The sign-in was declined. You can close this window.</p>') };
      }
      control.approveDeviceCode(userCode, email);
      return { status: 200, html: page('Signed in', `<p>${esc(email)} is signed in. You can close this window.</p>`) };
    } catch (error) {
      const message = error instanceof ControlError ? error.message : 'unexpected error';
      return { status: 400, html: page('Sign-in failed', `<p>${esc(message)}</p><p><a href="/devicelogin">Try again</a></p>`) };
    }
  }
  const options = control.users().map((u) => `<option value="${esc(u.email)}">${esc(u.name)} &lt;${esc(u.email)}&gt;</option>`).join('');
  const form_ =
    '<form method="post"><p><label>Code <input name="user_code" autofocus></label></p>' +
    `<p><label>Account <select name="email">${options}</select></label></p>` +
    '<p><button name="action" value="approve">Sign in</button> <button name="action" value="decline">Decline</button></p></form>' +
    '<p>caseflow-outlook simulator: no Microsoft account is involved.</p>';
  return { status: 200, html: page('Enter code', form_) };
}
