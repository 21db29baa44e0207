// The real libraries against the simulator: @azure/msal-node completes a device-code sign-in
// (auto-approved) and a forced silent refresh; @microsoft/microsoft-graph-client reads /me with
// the bearer token. The MSAL configuration used here is msalAuthorityOptions() (src/simulator/identity/msal.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublicClientApplication, type DeviceCodeResponse } from '@azure/msal-node';
import { Client } from '@microsoft/microsoft-graph-client';
import { startTestSimulator, msalAuthorityOptions, type Simulator } from '../helpers/sim.js';
import { SIMULATOR_CLIENT_ID } from '../../src/simulator/index.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestSimulator({ autoApprove: 'alice@firm.example', users: [{ email: 'alice@firm.example', name: 'Alice Adams' }] });
});
afterAll(() => sim.stop());

function app(tenant?: string) {
  return new PublicClientApplication({ auth: { clientId: SIMULATOR_CLIENT_ID, ...msalAuthorityOptions(sim, tenant) } });
}

describe('@azure/msal-node against the simulator', () => {
  it('signs in with a device code, refreshes silently, and the Graph client reads /me', async () => {
    const pca = app();
    const prompts: DeviceCodeResponse[] = [];
    const result = await pca.acquireTokenByDeviceCode({
      scopes: ['Calendars.ReadWrite', 'User.Read'],
      deviceCodeCallback: (r) => prompts.push(r),
    });
    expect(prompts).toHaveLength(1);
    expect(prompts[0]?.verificationUri).toBe(`${sim.url}/devicelogin`);
    expect(prompts[0]?.message).toContain(prompts[0]?.userCode);
    expect(result?.account?.username).toBe('alice@firm.example');
    expect(result?.account?.homeAccountId).toContain(`.${sim.tenantId}`);
    expect(result?.scopes.map((s) => s.toLowerCase())).toContain('calendars.readwrite');

    const accounts = await pca.getTokenCache().getAllAccounts();
    expect(accounts).toHaveLength(1);
    const refreshed = await pca.acquireTokenSilent({ account: accounts[0]!, scopes: ['Calendars.ReadWrite', 'User.Read'], forceRefresh: true });
    expect(refreshed.accessToken).not.toBe(result?.accessToken);

    const log = sim.control.requestLog();
    const tokenCalls = log.filter((e) => e.kind === 'token');
    // First poll: authorization_pending; second: tokens; then the refresh_token grant.
    expect(tokenCalls.map((e) => e.status)).toEqual([400, 200, 200]);
    expect((tokenCalls[0]?.responseBody as { error: string }).error).toBe('authorization_pending');
    expect((tokenCalls[2]?.requestBody as Record<string, string>).grant_type).toBe('refresh_token');
    expect(tokenCalls.every((e) => e.scope?.includes('Calendars.ReadWrite'))).toBe(true);
    expect(JSON.stringify(log)).not.toContain(refreshed.accessToken);
    // MSAL never left the simulator: no instance discovery elsewhere, one openid-configuration fetch.
    expect(log.filter((e) => e.kind === 'openid-configuration').length).toBeGreaterThanOrEqual(1);

    const client = Client.initWithMiddleware({
      authProvider: { getAccessToken: async () => refreshed.accessToken },
      baseUrl: `${sim.url}/`,
      customHosts: new Set(['127.0.0.1']),
    });
    const me = await client.api('/me').get();
    expect(me.mail).toBe('alice@firm.example');
    expect(me.displayName).toBe('Alice Adams');
    const meCall = sim.control.requestLog().find((e) => e.kind === 'me');
    expect(meCall?.mailbox).toBe('alice@firm.example');
    expect(meCall?.headers.authorization).toBeUndefined();
  });

  it('works with the tenant id as authority too, and a revoked user must sign in again', async () => {
    const pca = app(sim.tenantId);
    await pca.acquireTokenByDeviceCode({ scopes: ['Calendars.ReadWrite'], deviceCodeCallback: () => {} });
    const [account] = await pca.getTokenCache().getAllAccounts();
    sim.control.revokeUser('alice@firm.example');
    await expect(pca.acquireTokenSilent({ account: account!, scopes: ['Calendars.ReadWrite'], forceRefresh: true })).rejects.toMatchObject({
      errorCode: 'invalid_grant',
    });
  });

  it('stops polling with an error when the user declines', async () => {
    sim.control.setAutoApprove(null);
    const pca = app();
    const pending = pca.acquireTokenByDeviceCode({
      scopes: ['Calendars.ReadWrite'],
      deviceCodeCallback: (r) => sim.control.declineDeviceCode(r.userCode),
    });
    await expect(pending).rejects.toThrow(/authorization_declined/);
    sim.control.setAutoApprove('alice@firm.example');
  });
});
