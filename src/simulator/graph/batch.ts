// POST /v1.0/$batch (https://learn.microsoft.com/graph/json-batching): at most 20 items; the
// envelope is 200; each item has its own status, headers (Retry-After) and body; a failed
// dependency gives 424.
// As Graph hands a batch to Outlook: a batch is either fully parallel (no dependsOn at all: items
// run up to four at a time) or fully sequential (each item after the first depends on the one
// before it: items run one at a time, in order); anything else is refused 400, as Graph does
// ("Batch should be either fully sequential or fully parallel"). Every item counts against the
// mailbox's 4-in-flight limit and its budget like a request of its own, so a parallel batch
// beside other requests to the mailbox meets 429s. The envelope counts against the budget but
// holds no in-flight slot (whether it counts at all is not documented: the unkind side is taken).
import { GraphError } from '../mailbox/model.js';
import { shuffle } from '../random.js';
import { errorReply, runGraphCall, sleep, targetOf, type CallResult, type Chain, type Principal, type SimCore } from './pipeline.js';
import { batchItemBody } from './body-faults.js';

interface Item {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  dependsOn: string[];
}

const MAX_ITEMS = 20;
/** Items of a parallel batch that Graph sends to Outlook at once. */
const PARALLEL_ITEMS = 4;

function bad(message: string): GraphError {
  return new GraphError(400, 'BadRequest', message);
}

function parseItems(body: unknown): Item[] {
  const requests = (body as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests) || requests.length === 0) throw bad('Invalid batch payload format.');
  if (requests.length > MAX_ITEMS) throw bad(`Number of requests in the batch exceeds the limit of ${MAX_ITEMS}.`);
  const items = requests.map((raw): Item => {
    const r = (raw ?? {}) as Record<string, unknown>;
    if (typeof r.id !== 'string' || !r.id) throw bad('A batch request is missing its id.');
    if (typeof r.method !== 'string' || typeof r.url !== 'string') throw bad(`Batch request id : ${r.id} needs a method and a url.`);
    if (/^https?:/i.test(r.url)) throw bad(`Batch request id : ${r.id} must use a relative url.`);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((r.headers ?? {}) as Record<string, unknown>)) headers[k.toLowerCase()] = String(v);
    if (r.body !== undefined && !headers['content-type']) {
      throw bad(`Write request id : ${r.id} does not contain Content-Type header or body.`);
    }
    const dependsOn = Array.isArray(r.dependsOn) ? r.dependsOn.map(String) : [];
    return { id: r.id, method: r.method.toUpperCase(), url: r.url, headers, body: r.body, dependsOn };
  });
  const ids = new Set<string>();
  for (const item of items) {
    if (ids.has(item.id)) throw bad(`Batch request ids must be unique: '${item.id}'.`);
    ids.add(item.id);
  }
  for (const item of items) {
    for (const dep of item.dependsOn) if (!ids.has(dep)) throw bad(`Batch request id : ${item.id} depends on unknown id '${dep}'.`);
  }
  const chained = items.every((item, i) => (i === 0 ? item.dependsOn.length === 0 : item.dependsOn.length === 1 && item.dependsOn[0] === items[i - 1]!.id));
  const parallel = items.every((item) => item.dependsOn.length === 0);
  if (!chained && !parallel) throw bad('Batch should be either fully sequential or fully parallel.');
  return items;
}

/**
 * The one mailbox a batch is about, for the request log: the signed-in user's, or the one every
 * item names (an app may name several mailboxes in one batch; then null).
 */
export function batchMailbox(core: SimCore, principal: Principal, body: unknown): string | null {
  if (principal.kind === 'user') return principal.mailbox.user.email;
  const requests = (body as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests)) return null;
  const emails = new Set<string>();
  for (const r of requests) {
    const url = String((r as { url?: unknown } | null)?.url ?? '');
    const target = targetOf(core, principal, (url.startsWith('/') ? url : `/${url}`).split('?')[0] ?? '');
    if (target instanceof GraphError) return null;
    emails.add(target.mailbox.user.email);
  }
  return emails.size === 1 ? [...emails][0]! : null;
}

/**
 * `email`: the one mailbox the batch is about (`batchMailbox`), whose budget its envelope costs one
 * request; null (an app-only batch over several mailboxes): the envelope costs none.
 */
export async function runBatch(core: SimCore, principal: Principal, email: string | null, body: unknown, batchSeq: number): Promise<CallResult> {
  const envelope = email === null ? null : core.limiter.spend(email);
  if (envelope && !envelope.ok) {
    core.log.throttled(email!);
    const message = `Application is over its MailboxRequests limit (${core.limiter.limits.requestsPerWindow} requests per ${core.limiter.limits.windowSeconds} seconds).`;
    return errorReply(core, 429, 'ApplicationThrottled', message, { 'Retry-After': String(envelope.retryAfterSeconds) });
  }
  const latency = core.faults.latency();
  if (latency > 0) await sleep(latency);
  let items: Item[];
  try {
    items = parseItems(body);
  } catch (error) {
    if (!(error instanceof GraphError)) throw error;
    return errorReply(core, error.status, error.code, error.message);
  }
  const chain: Chain = { due: null };
  const run = (item: Item, ordered = false): Promise<CallResult> => {
    const url = item.url.startsWith('/') ? item.url : `/${item.url}`;
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? '' : url.slice(q + 1);
    return runGraphCall(core, principal, { method: item.method, path, query: new URLSearchParams(query), headers: item.headers, body: item.body }, {
      inBatch: true,
      batchSeq,
      rawPath: `/v1.0${url}`,
      ...(ordered ? { chain } : {}),
    });
  };
  const results = new Map<string, CallResult>();
  if (items.some((i) => i.dependsOn.length > 0)) {
    let failed = false;
    for (const item of items) {
      const result: CallResult = failed ? errorReply(core, 424, 'FailedDependency', 'The request was not run because a request it depends on failed.') : await run(item, true);
      failed ||= result.status >= 400 || result.drop === true;
      results.set(item.id, result);
    }
  } else {
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const item = items[next++]!;
        results.set(item.id, await run(item));
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_ITEMS, items.length) }, worker));
  }
  const settled = items.map((item) => ({ item, result: results.get(item.id)! }));
  let responses = settled.map(({ item, result }) => ({
    id: item.id,
    status: result.status,
    headers: result.headers ?? {},
    ...(result.body !== undefined ? { body: batchItemBody(core.faults.bodyFaults(), core.faults.rng, result.status, result.body) } : {}),
  }));
  if (core.faults.batchShuffle()) responses = shuffle(responses, core.faults.rng);
  const drop = settled.some(({ result }) => result.drop) || core.faults.rollDrop();
  return { status: 200, body: { responses }, ...(drop ? { drop: true } : {}) };
}
