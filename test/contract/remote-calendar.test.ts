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
const when = (day: number, hour = 12) => ({
  start: { dateTime: `2026-12-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00`, timeZone: 'UTC' },
  end: { dateTime: `2026-12-${String(day).padStart(2, '0')}T${String(hour + 1).padStart(2, '0')}:00:00`, timeZone: 'UTC' },
});
const daily = (firstDay: number, count: number) => ({
  pattern: { type: 'daily', interval: 1 },
  range: { type: 'numbered', startDate: `2026-12-${String(firstDay).padStart(2, '0')}`, numberOfOccurrences: count },
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
      createSeries: async (subject, firstDay, count) => {
        const master = sim.control.createEvent(ALICE, { subject, ...when(firstDay, 9), recurrence: daily(firstDay, count) });
        const occurrences = sim.control.instances(ALICE, master.id, '2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z');
        return { masterId: master.immutableId, occurrenceIds: occurrences.map((o) => o.immutableId) };
      },
      moveOccurrence: async (id, day) => void sim.control.updateEvent(ALICE, id, when(day, 15)),
      removeOccurrence: async (id) => sim.control.deleteEvent(ALICE, id),
      removeSeries: async (masterId) => sim.control.deleteEvent(ALICE, masterId),
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
      createSeries: async (subject, firstDay, count) => {
        const days = Array.from({ length: count }, (_, i) => when(firstDay + i, 9));
        const { master, occurrences } = calendar.userCreateSeries({ subject, ...when(firstDay, 9), recurrence: daily(firstDay, count) }, days);
        return { masterId: master.id, occurrenceIds: occurrences.map((o) => o.id) };
      },
      moveOccurrence: async (id, day) => calendar.userEdit(id, when(day, 15)),
      removeOccurrence: async (id) => calendar.userDeleteOccurrence(id),
      removeSeries: async (masterId) => calendar.userDeleteSeries(masterId),
    },
    expireDelta: async () => calendar.expire(),
    close: async () => {},
  };
});
