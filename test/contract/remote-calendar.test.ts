// The RemoteCalendar contract, run against both implementations.

import { GraphCalendar } from '../../src/graph/calendar.js';
import { createGraphClient } from '../../src/graph/client.js';
import type { RetryPolicy } from '../../src/graph/retry.js';
import { createLogger } from '../../src/log.js';
import { startTestSimulator } from '../helpers/sim.js';
import { MemoryCalendar } from '../support/memory-calendar.js';
import { remoteCalendarContract } from './remote-calendar.contract.js';

const ALICE = 'alice@firm.example';
const RETRY: RetryPolicy = { maxAttempts: 3, baseMs: 2, maxDelayMs: 10, maxRetryAfterMs: 50 };
const when = (day: number) => ({
  start: { dateTime: `2026-12-${String(day).padStart(2, '0')}T12:00:00`, timeZone: 'UTC' },
  end: { dateTime: `2026-12-${String(day).padStart(2, '0')}T13:00:00`, timeZone: 'UTC' },
});

remoteCalendarContract('GraphCalendar over the simulator', async () => {
  const sim = await startTestSimulator();
  sim.control.addUser({ email: ALICE, name: 'Alice' });
  const { accessToken } = sim.control.issueTokens(ALICE);
  const log = createLogger({ verbose: false, json: true, write: () => {} });
  const client = createGraphClient({ baseUrl: sim.url, getAccessToken: async () => accessToken, mailbox: ALICE, maxInFlight: 4, retry: RETRY, log });
  return {
    calendar: new GraphCalendar({ client, retry: RETRY, maxInFlight: 4, log, fatal: () => null }),
    user: {
      // The calendar asks for immutable ids: the user's actions report the same.
      create: async (subject, day) => sim.control.createEvent(ALICE, { subject, ...when(day) }).immutableId,
      edit: async (id, subject) => void sim.control.updateEvent(ALICE, id, { subject }),
      remove: async (id) => sim.control.deleteEvent(ALICE, id),
    },
    expireDelta: async () => sim.control.expireDeltaTokens(ALICE),
    close: () => sim.stop(),
  };
});

remoteCalendarContract('MemoryCalendar', async () => {
  const calendar = new MemoryCalendar();
  return {
    calendar,
    user: {
      create: async (subject, day) => calendar.userCreate({ subject, ...when(day) }).id,
      edit: async (id, subject) => calendar.userEdit(id, { subject }),
      remove: async (id) => calendar.userDelete(id),
    },
    expireDelta: async () => calendar.expire(),
    close: async () => {},
  };
});
