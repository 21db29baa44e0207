// How @azure/msal-node 7 must be configured for the simulator (read from msal-common 16's
// Authority.ts): the authority is `https://127.0.0.1:PORT/<tenant>`. Because the host is not a
// Microsoft cloud, MSAL would otherwise ask login.microsoftonline.com for instance discovery,
// which cannot work offline; `knownAuthorities: ['127.0.0.1:PORT']` (host AND port, compared
// with the authority's HostNameAndPort) makes it trust the host and derive cloud metadata
// locally. It then fetches `<authority>/v2.0/.well-known/openid-configuration` (served here;
// its issuer shares the authority's origin, which passes MSAL's issuer validation), posts to
// `.../oauth2/v2.0/devicecode` (derived from token_endpoint) and `.../oauth2/v2.0/token`.
// Trust: NODE_EXTRA_CA_CERTS=<caCertPath> at process start (MSAL uses Node's global fetch).
// The same options work for real clouds: knownAuthorities may stay empty there.

export interface MsalAuthorityOptions {
  authority: string;
  knownAuthorities: string[];
}

/**
 * `auth` options for PublicClientApplication against the simulator. `tenant` defaults to
 * `organizations` (what the tool uses in production); the tenant id and `common` work too.
 */
export function msalAuthorityOptions(sim: { url: string }, tenant = 'organizations'): MsalAuthorityOptions {
  const host = new URL(sim.url).host;
  return { authority: `${sim.url}/${tenant}`, knownAuthorities: [host] };
}
