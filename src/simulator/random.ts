// Identifiers and the seedable randomness behind faults. Ids are opaque, case-sensitive and end
// with '=' like Exchange ids, so a client that lower-cases or mangles them finds nothing.
import { randomBytes, randomUUID, createHash } from 'node:crypto';

export type Rng = () => number;

/** mulberry32: tiny, fast, good enough to make fault schedules reproducible from a seed. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const a = out[i] as T;
    out[i] = out[j] as T;
    out[j] = a;
  }
  return out;
}

const b64url = (buf: Buffer) => buf.toString('base64url');

export const REST_PREFIX = 'AAMkA';
export const IMMUTABLE_PREFIX = 'AAkALg';

export function newEventIds(): { id: string; immutableId: string } {
  return {
    id: `${REST_PREFIX}${b64url(randomBytes(42))}=`,
    immutableId: `${IMMUTABLE_PREFIX}${b64url(randomBytes(33))}=`,
  };
}

/** Deterministic ids for an occurrence of a series (stable across rounds and requests). */
export function occurrenceIds(masterKey: string, originalStartMs: number): { id: string; immutableId: string } {
  const payload = b64url(Buffer.from(`O.${masterKey}.${originalStartMs}`));
  return { id: `${REST_PREFIX}${payload}=`, immutableId: `${IMMUTABLE_PREFIX}${payload}=` };
}

export function parseOccurrenceId(id: string): { masterKey: string; originalStartMs: number } | null {
  const prefix = id.startsWith(REST_PREFIX) ? REST_PREFIX : id.startsWith(IMMUTABLE_PREFIX) ? IMMUTABLE_PREFIX : null;
  if (!prefix || !id.endsWith('=')) return null;
  const text = Buffer.from(id.slice(prefix.length, -1), 'base64url').toString('utf8');
  const m = /^O\.([0-9a-f]{16,32})\.(-?\d+)$/.exec(text);
  if (!m) return null;
  return { masterKey: m[1] as string, originalStartMs: Number(m[2]) };
}

export function newKey(): string {
  return randomBytes(8).toString('hex');
}

export function newChangeKey(): string {
  return `DwAAABYAAAA${b64url(randomBytes(18))}`;
}

export function derivedChangeKey(seed: string): string {
  return `DwAAABYAAAA${createHash('sha256').update(seed).digest('base64url').slice(0, 24)}`;
}

export function newICalUId(): string {
  return `040000008200E00074C5B7101A82E00800000000${randomBytes(24).toString('hex').toUpperCase()}`;
}

export function newOpaqueToken(bytes = 24): string {
  return b64url(randomBytes(bytes));
}

export function newUserCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return [...randomBytes(9)].map((b) => alphabet[b % alphabet.length]).join('');
}

export const uuid = randomUUID;
