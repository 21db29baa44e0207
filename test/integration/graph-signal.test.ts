// The run's signal and the Graph client: every request follows it (an interruption stops the one
// in flight), and none leaves a listener on it once answered, however many a cycle sends.

import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createGraphClient } from '../../src/graph/client.js';
import { DEFAULT_RETRY } from '../../src/graph/retry.js';
import { createLogger } from '../../src/log.js';
import { signedInUser, startTestSimulator, type Simulator } from '../helpers/sim.js';

let sim: Simulator;
afterEach(() => sim?.stop());

async function clientOn(email: string, signal: AbortSignal) {
  sim = await startTestSimulator();
  const { token } = signedInUser(sim, email);
  const log = createLogger({ verbose: false, json: false, write: () => undefined });
  return createGraphClient({ baseUrl: sim.url, getAccessToken: async () => token, mailbox: email, maxInFlight: 4, retry: DEFAULT_RETRY, log, signal });
}

describe('the Graph client and the run signal', () => {
  it('leaves no listener on the run signal once its requests are answered', async () => {
    const run = new AbortController();
    const client = await clientOn('alice@firm.example', run.signal);
    for (let i = 0; i < 25; i += 1) await client.api('/me/calendar').get();
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
  });

  it('stops a request in flight when the run signal aborts', async () => {
    const run = new AbortController();
    const client = await clientOn('bob@firm.example', run.signal);
    sim.control.pause('bob@firm.example');
    const pending = client.api('/me/calendar').get();
    await sim.control.waitForInFlight('bob@firm.example', 1);
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(1);
    run.abort(new Error('interrupted'));
    await expect(pending).rejects.toThrow();
    sim.control.resume();
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
  });
});
