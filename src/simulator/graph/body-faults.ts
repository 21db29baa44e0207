// Broken answer bodies, for the fault suite: a successful Graph answer whose body is not JSON at
// all (an HTML page from a proxy in the way) or is cut short (a connection that ended early),
// with its status and Content-Type intact, as a client meets them in the wild. Whole answers
// (delta pages, reads, $batch envelopes) and single $batch items, each with its own probability
// (faults `corruptBody`, `corruptBatchItem`; `corruptMode` picks the kind, else at random).
import type { Rng } from '../random.js';

export type CorruptMode = 'non-json' | 'truncated';

export interface BodyFaultSettings {
  /** Probability that a 2xx JSON answer (top-level request, $batch envelope included) is broken. */
  corruptBody?: number;
  /** Probability that a 2xx $batch item's body is broken (it becomes a string). */
  corruptBatchItem?: number;
  corruptMode?: CorruptMode;
}

const HTML = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>';

function mode(settings: BodyFaultSettings, rng: Rng): CorruptMode {
  return settings.corruptMode ?? (rng() < 0.5 ? 'non-json' : 'truncated');
}

/** The text of a broken body: HTML, or the JSON cut somewhere past its first character. */
export function brokenText(json: string, m: CorruptMode, rng: Rng): string {
  if (m === 'non-json' || json.length < 2) return HTML;
  return json.slice(0, 1 + Math.floor(rng() * (json.length - 1)));
}

/** The body text of a top-level answer: `JSON.stringify(body)`, broken now and then. */
export function answerText(settings: BodyFaultSettings, rng: Rng, status: number, body: unknown): string {
  const json = JSON.stringify(body);
  if (status < 200 || status >= 300 || !settings.corruptBody || !(rng() < settings.corruptBody)) return json;
  return brokenText(json, mode(settings, rng), rng);
}

/** A $batch item's body, broken now and then (into a string: what a client then gets to parse). */
export function batchItemBody(settings: BodyFaultSettings, rng: Rng, status: number, body: unknown): unknown {
  if (body === undefined || status < 200 || status >= 300 || !settings.corruptBatchItem || !(rng() < settings.corruptBatchItem)) return body;
  return brokenText(JSON.stringify(body), mode(settings, rng), rng);
}
