// `connect` and `disconnect`: flags and help. The handlers (connect.ts, connect-app.ts) load when a command runs.

import type { Command } from 'commander';
import { examples, type Helpers } from '../register.js';

const load = () => import('./connect.js');

const WAYS = `
Three ways in:
  connect --staff E            device code: a URL and a code, signed in on any device (the default)
  connect --staff E --browser  a browser on this machine (authorization code with PKCE on
                               http://localhost), for tenants whose Conditional Access blocks device codes
  connect --app                the whole firm at once, by an admin: the app's certificate (client
                               credentials), each staff member's mailbox reached within the app's
                               RBAC for Applications scope; a staff member's own sign-in wins for them
`;

export function register(program: Command, { top, action }: Helpers): void {
  top(program, 'connect')
    .option('--staff <email>', 'the staff member to sign in')
    .option('--browser', 'with --staff: sign in with a browser on this machine instead of a device code')
    .option('--app', "connect the whole firm app-only with the app registration's certificate")
    .option('--certificate <file>', 'with --app: PEM file with the private key (and the certificate), readable by its owner only (config auth.appCertificatePath; or the PEM in CASEFLOW_APP_CERT)')
    .option('--thumbprint <hex>', "with --app: the certificate's thumbprint, when the PEM holds the key alone (config auth.appCertificateThumbprint)")
    .option('--force', 'sign in (or connect the firm) again even if already connected')
    .addHelpText(
      'after',
      `${WAYS}${examples(
        'connect --staff alice@firm.example',
        'connect --staff alice@firm.example --browser',
        'connect --staff alice@firm.example --force --json',
        'connect --app --certificate /etc/caseflow-outlook/app.pem',
      )}`,
    )
    .action(
      action(load, (m, ctx, _a, o) => m.connect(ctx, o as { staff?: string; force?: boolean; browser?: boolean; app?: boolean; certificate?: string; thumbprint?: string }), {
        flags: (o) => ({
          ...(o.certificate !== undefined ? { 'auth.appCertificatePath': o.certificate } : {}),
          ...(o.thumbprint !== undefined ? { 'auth.appCertificateThumbprint': o.thumbprint } : {}),
        }),
      }),
    );
  top(program, 'disconnect')
    .option('--staff <email>', 'the staff member')
    .option('--app', "the firm's app-only connection")
    .addHelpText('after', examples('disconnect --staff alice@firm.example', 'disconnect --app'))
    .action(action(load, (m, ctx, _a, o) => m.disconnect(ctx, o as { staff?: string; app?: boolean })));
}
