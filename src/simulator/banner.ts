// What `caseflow-outlook simulator` prints on start: the config snippet (auth.* and graph.* keys,
// as in config.example.json) and the NODE_EXTRA_CA_CERTS line a user needs to point the CLI at
// the simulator.
import { SIMULATOR_CLIENT_ID } from './constants.js';

export interface BannerInput {
  url: string;
  tenantId: string;
  caCertPath: string;
  /** Default: SIMULATOR_CLIENT_ID (the simulator accepts any). */
  clientId?: string;
  users?: { email: string; name: string }[];
  stateFile?: string | null;
}

const shellQuote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function configSnippet(input: BannerInput): Record<string, unknown> {
  return {
    auth: { authorityHost: input.url, tenantId: input.tenantId, clientId: input.clientId ?? SIMULATOR_CLIENT_ID },
    graph: { baseUrl: input.url },
  };
}

export function renderBanner(input: BannerInput): string {
  const lines = [
    `caseflow-outlook simulator listening on ${input.url}`,
    '',
    'Point caseflow-outlook at it: put this in its config file (--config / CASEFLOW_CONFIG)',
    JSON.stringify(configSnippet(input), null, 2),
    '',
    'and trust its certificate authority in the shell that runs caseflow-outlook:',
    `export NODE_EXTRA_CA_CERTS=${shellQuote(input.caCertPath)}`,
    '',
    `Sign-in page (device code): ${input.url}/devicelogin`,
    `Control API:                ${input.url}/_control/users, /_control/log, /_control/faults, ...`,
  ];
  if (input.users && input.users.length > 0) {
    lines.push(`Users: ${input.users.map((u) => `${u.name} <${u.email}>`).join(', ')}`);
  }
  if (input.stateFile) lines.push(`State saved to ${input.stateFile}`);
  lines.push('Press Ctrl-C to stop.', '');
  return lines.join('\n');
}
