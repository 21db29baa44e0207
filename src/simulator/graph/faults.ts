// Injected trouble, seedable so a failing test can be replayed: random 429/503/504 with a
// (fractional) Retry-After, latency, dropped connections, "store the write then fail the
// response", and the unkind delta options. Applies to Graph requests and batch items only.
import { seededRng, type Rng } from '../random.js';
import type { DeltaFaults } from './delta-round.js';
import type { BodyFaultSettings } from './body-faults.js';

export interface FaultSettings extends BodyFaultSettings {
  random429?: number;
  random503?: number;
  random504?: number;
  /** Retry-After for every throttled or failed answer, in seconds (fractional allowed). Default 0.05. */
  retryAfterSeconds?: number;
  /** Added to every top-level request, a $batch envelope included (ms, or [min, max]). */
  latencyMs?: number | [number, number];
  /** Added to every item of a $batch as it runs (ms, or [min, max]). */
  batchItemLatencyMs?: number | [number, number];
  dropConnection?: number;
  /** The next N successful writes are stored, then their response fails. */
  storeThenFail?: number;
  /** How such a response fails: a 504 (default) or a dropped connection (a 504 inside $batch). */
  storeThenFailMode?: '504' | 'drop';
  seed?: number;
  /** Shuffle $batch responses (default: on when a seed is set). */
  batchShuffle?: boolean;
  deltaShuffle?: boolean;
  deltaDuplicate?: number;
  deltaReplay?: number;
  deltaEmptyPage?: number;
  deltaSeriesMaster?: number;
  deltaLoop?: boolean;
  /**
   * A deleted or cancelled single occurrence is not reported in the delta, as seen in Outlook
   * (the default); `false` reports it as `@removed`.
   */
  deltaHideCancelledOccurrences?: boolean;
}

export const DEFAULT_RETRY_AFTER_SECONDS = 0.05;

const PROBABILITIES = [
  'random429', 'random503', 'random504', 'dropConnection', 'deltaDuplicate', 'deltaReplay', 'deltaEmptyPage', 'deltaSeriesMaster',
  'corruptBody', 'corruptBatchItem',
] as const;

export class Faults {
  private settings: FaultSettings = {};
  private storeThenFailLeft = 0;
  rng: Rng = seededRng(Date.now());

  set(settings: FaultSettings): FaultSettings {
    for (const k of PROBABILITIES) {
      const v = settings[k];
      if (v !== undefined && (typeof v !== 'number' || !(v >= 0 && v <= 1))) throw new RangeError(`fault ${k} is a probability between 0 and 1`);
    }
    for (const k of ['latencyMs', 'batchItemLatencyMs'] as const) {
      const v = settings[k];
      const ok = typeof v === 'number' ? v >= 0 : Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number' && n >= 0) && v[0] <= v[1];
      if (v !== undefined && !ok) throw new RangeError(`${k} is a number of ms or [min, max]`);
    }
    if (settings.corruptMode !== undefined && !['non-json', 'truncated'].includes(settings.corruptMode)) throw new RangeError("corruptMode is 'non-json' or 'truncated'");
    this.settings = { ...settings };
    this.storeThenFailLeft = settings.storeThenFail ?? 0;
    this.rng = seededRng(settings.seed ?? Math.floor(Math.random() * 2 ** 32));
    return this.get();
  }

  get(): FaultSettings {
    return { ...this.settings, storeThenFail: this.storeThenFailLeft };
  }

  clear(): void {
    this.set({});
  }

  roll(probability: number | undefined): boolean {
    return !!probability && this.rng() < probability;
  }

  retryAfter(): string {
    return String(this.settings.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS);
  }

  /** The delay of one request: a top-level one (latencyMs) or a batch item (batchItemLatencyMs). */
  latency(inBatch = false): number {
    const l = inBatch ? this.settings.batchItemLatencyMs : this.settings.latencyMs;
    if (l === undefined) return 0;
    if (typeof l === 'number') return l;
    return l[0] + this.rng() * (l[1] - l[0]);
  }

  /** The error a request gets before it runs, if any. */
  pickError(): { status: number; code: string; message: string } | 'drop' | null {
    const s = this.settings;
    if (this.roll(s.dropConnection)) return 'drop';
    if (this.roll(s.random429)) return { status: 429, code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.' };
    if (this.roll(s.random503)) return { status: 503, code: 'ServiceUnavailable', message: 'The service is temporarily unavailable. Please retry later.' };
    if (this.roll(s.random504)) return { status: 504, code: 'GatewayTimeout', message: 'The request timed out.' };
    return null;
  }

  rollDrop(): boolean {
    return this.roll(this.settings.dropConnection);
  }

  takeStoreThenFail(): '504' | 'drop' | null {
    if (this.storeThenFailLeft <= 0) return null;
    this.storeThenFailLeft--;
    return this.settings.storeThenFailMode ?? '504';
  }

  /** Broken answer bodies (body-faults.ts). */
  bodyFaults(): BodyFaultSettings {
    return this.settings;
  }

  batchShuffle(): boolean {
    return this.settings.batchShuffle ?? this.settings.seed !== undefined;
  }

  delta(): DeltaFaults {
    const s = this.settings;
    return {
      shuffle: s.deltaShuffle ?? false,
      duplicate: s.deltaDuplicate ?? 0,
      replay: s.deltaReplay ?? 0,
      emptyPage: s.deltaEmptyPage ?? 0,
      seriesMaster: s.deltaSeriesMaster ?? 0,
      loop: s.deltaLoop ?? false,
      hideCancelledOccurrences: s.deltaHideCancelledOccurrences ?? true,
    };
  }
}
