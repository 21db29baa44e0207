/** The simulator's tenant: fixed, so configs and caches stay valid across restarts. */
export const SIMULATOR_TENANT_ID = '7c1a9b3e-2d4f-4e8a-9b6c-5d3e2f1a0b9c';
/** Any client id is accepted; this one is printed in the banner. */
export const SIMULATOR_CLIENT_ID = '0b6f5d3c-9a1e-4c2b-8d7f-3e5a1c9b7d20';
