// POST /v1.0/$batch (https://learn.microsoft.com/graph/json-batching): at most 20 items; the
// envelope is 200; each item has its own status, headers (Retry-After) and body; a failed
// dependency gives 424.
// Items without dependsOn run at the same time and count against the mailbox's 4-in-flight limit
// like separate requests do, so a batch of 20 independent items to one mailbox meets 429s.
import { GraphError } from '../mailbox/model.js';
import type { Mailbox } from '../mailbox/mailbox.js';
import { shuffle } from '../random.js';
import { errorReply, runGraphCall, type CallResult, type SimCore } from './pipeline.js';
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
  const visiting = new Set<string>();
  const byId = new Map(items.map((i) => [i.id, i]));
  const acyclic = (id: string): void => {
    if (visiting.has(id)) throw bad('The dependsOn graph of the batch has a cycle.');
    visiting.add(id);
    for (const d of byId.get(id)?.dependsOn ?? []) acyclic(d);
    visiting.delete(id);
  };
  items.forEach((i) => acyclic(i.id));
  return items;
}

export async function runBatch(core: SimCore, mailbox: Mailbox, scopes: Set<string>, body: unknown, batchSeq: number): Promise<CallResult> {
  let items: Item[];
  try {
    items = parseItems(body);
  } catch (error) {
    if (!(error instanceof GraphError)) throw error;
    return errorReply(core, error.status, error.code, error.message);
  }
  const byId = new Map(items.map((i) => [i.id, i]));
  const results = new Map<string, Promise<CallResult>>();
  const run = (item: Item): Promise<CallResult> => {
    let p = results.get(item.id);
    if (p) return p;
    p = (async () => {
      const deps = await Promise.all(item.dependsOn.map((d) => run(byId.get(d) as Item)));
      if (deps.some((d) => d.status >= 400 || d.drop)) {
        return errorReply(core, 424, 'FailedDependency', 'The request was not run because a request it depends on failed.');
      }
      const url = item.url.startsWith('/') ? item.url : `/${item.url}`;
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      const query = q < 0 ? '' : url.slice(q + 1);
      return runGraphCall(core, mailbox, scopes, { method: item.method, path, query: new URLSearchParams(query), headers: item.headers, body: item.body }, {
        inBatch: true,
        batchSeq,
        rawPath: `/v1.0${url}`,
      });
    })();
    results.set(item.id, p);
    return p;
  };
  const settled = await Promise.all(items.map(async (item) => ({ item, result: await run(item) })));
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
