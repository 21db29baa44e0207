// The floors `npm run bench` sets each figure beside: the least time the work could take on the
// simulated network, whatever the code does. Pure arithmetic (test/unit/bench-floors.test.ts).
//
// Graph's Outlook limits per app and mailbox: 4 requests in flight and 10,000 requests per 10
// minutes (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits); a $batch
// holds at most 20 requests (https://learn.microsoft.com/graph/json-batching).

export const BATCH_SIZE = 20;
export const IN_FLIGHT = 4;
export const DELTA_PAGE_SIZE = 250;
export const BUDGET_REQUESTS = 10_000;
export const BUDGET_WINDOW_SECONDS = 600;

/**
 * Requests a first push of `n` new events costs against the mailbox budget: one create per
 * event, one $batch envelope per 20 of them (both counted, as Graph counts them), and the one
 * delta read a scheduled run starts with.
 */
export function pushRequests(n) {
  return n + Math.ceil(n / BATCH_SIZE) + 1;
}

/**
 * Least time for `requests` requests when at most `budget` fit in any `windowMs`: every full
 * budget past the first waits for the window to move on; `lastWindowWorkMs` is the work done
 * after the last wait.
 */
export function budgetFloorMs(requests, lastWindowWorkMs, { budget = BUDGET_REQUESTS, windowSeconds = BUDGET_WINDOW_SECONDS } = {}) {
  if (requests <= budget) return 0;
  const waits = Math.ceil(requests / budget) - 1;
  return waits * windowSeconds * 1000 + lastWindowWorkMs;
}

/**
 * A first push of `n` events: the larger of the round trips (one $batch of 20 per round trip, 4
 * in flight), the items (each `itemMs`, 4 in flight) and the budget.
 */
export function pushFloor(n, { requestMs, itemMs, budget = BUDGET_REQUESTS, windowSeconds = BUDGET_WINDOW_SECONDS }) {
  const roundTrips = (Math.ceil(n / BATCH_SIZE) * requestMs) / IN_FLIGHT;
  const items = (n * itemMs) / IN_FLIGHT;
  const requests = pushRequests(n);
  const waits = Math.max(0, Math.ceil(requests / budget) - 1);
  // After the last wait: the requests left over, of which all but one envelope in 21 and the
  // delta read are creates (at best).
  const left = requests - waits * budget;
  const leftItems = Math.max(0, left - Math.ceil(left / (BATCH_SIZE + 1)) - 1);
  const lastWindowWork = (leftItems * itemMs) / IN_FLIGHT;
  const budgetMs = budgetFloorMs(requests, lastWindowWork, { budget, windowSeconds });
  const ms = Math.max(roundTrips, items, budgetMs);
  const bound = ms === budgetMs && budgetMs > 0 ? 'budget' : ms === items ? 'items' : 'round trips';
  return { ms, requests, bound, roundTripsMs: roundTrips, itemsMs: items, budgetMs };
}

/** A script that POSTs one event per request, 4 in flight. */
export function naiveFloor(n, { requestMs, budget = BUDGET_REQUESTS, windowSeconds = BUDGET_WINDOW_SECONDS }) {
  const work = (Math.ceil(n / IN_FLIGHT) * requestMs);
  const waits = Math.max(0, Math.ceil(n / budget) - 1);
  const last = Math.ceil((n - waits * budget) / IN_FLIGHT) * requestMs;
  return { ms: Math.max(work, budgetFloorMs(n, last, { budget, windowSeconds })), requests: n };
}

/** A first pull of `n` events: one delta page of 250 after another (each needs the previous one's link). */
export function pullFloor(n, { requestMs }) {
  return { ms: Math.max(1, Math.ceil(n / DELTA_PAGE_SIZE)) * requestMs, requests: Math.max(1, Math.ceil(n / DELTA_PAGE_SIZE)) };
}

/** A run with nothing to do: one delta request. */
export function quietFloor({ requestMs }) {
  return { ms: requestMs, requests: 1 };
}

/** One cycle over `staff` staff members with nothing to do, `concurrency` at once: one request each. */
export function daemonFloor(staff, concurrency, { requestMs }) {
  return { ms: Math.ceil(staff / concurrency) * requestMs, requests: staff };
}
