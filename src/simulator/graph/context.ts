// What a Graph handler receives: the call (top-level or inside $batch), the mailbox it is about
// and the preferences of *this* request (Prefer headers are per request, never carried by a link).
import type { Mailbox } from '../mailbox/mailbox.js';
import type { CalendarRole } from '../mailbox/model.js';
import type { Directory } from '../mailbox/directory.js';
import type { DeltaEngine } from './delta.js';
import type { RenderOptions, Zone } from './event-view.js';
import { resolveZone } from '../time.js';

export interface GraphCall {
  method: string;
  /** Path below /v1.0, e.g. `/me/events/AAMk...=` (percent-decoding left to the router). */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
}

export interface GraphReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface Prefs {
  /** Zone asked for with `outlook.timezone`, or null when the header was absent. */
  zone: Zone | null;
  bodyAsText: boolean;
  immutableIds: boolean;
  maxPageSize: number | null;
}

export interface GraphEnv {
  base: string;
  mailbox: Mailbox;
  /** How the request named the mailbox, for links: `/me` or `/users/{id}`. */
  root: string;
  directory: Directory;
  delta: DeltaEngine;
  prefs: Prefs;
  scopes: Set<string>;
  /** Filled by handlers for the request log: which calendar the request touched. */
  note: { calendar?: CalendarRole };
  now(): number;
}

export const UTC: Zone = { iana: 'UTC', label: 'UTC' };

export function parsePrefer(header: string | undefined): Prefs {
  const prefs: Prefs = { zone: null, bodyAsText: false, immutableIds: false, maxPageSize: null };
  for (const raw of (header ?? '').split(',')) {
    const eq = raw.indexOf('=');
    if (eq < 0) continue;
    const name = raw.slice(0, eq).trim().toLowerCase();
    const value = raw.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    if (name === 'outlook.timezone') {
      // An unknown zone falls back to UTC, and the response says which zone it used.
      const iana = resolveZone(value);
      prefs.zone = iana ? { iana, label: value } : UTC;
    } else if (name === 'outlook.body-content-type') {
      prefs.bodyAsText = value.toLowerCase() === 'text';
    } else if (name === 'idtype') {
      prefs.immutableIds = value.toLowerCase() === 'immutableid';
    } else if (name === 'odata.maxpagesize' && /^\d+$/.test(value)) {
      prefs.maxPageSize = Math.max(1, Number(value));
    }
  }
  return prefs;
}

export function renderOptions(env: GraphEnv, extra: Partial<RenderOptions> = {}): RenderOptions {
  return {
    zone: env.prefs.zone ?? UTC,
    bodyAsText: env.prefs.bodyAsText,
    immutableIds: env.prefs.immutableIds,
    ...extra,
  };
}

/** `Preference-Applied`, as Graph answers when it honoured a preference. */
export function preferenceApplied(prefs: Prefs, zone: Zone | null): Record<string, string> {
  const applied: string[] = [];
  if (zone) applied.push(`outlook.timezone="${zone.label}"`);
  if (prefs.bodyAsText) applied.push('outlook.body-content-type="text"');
  if (prefs.immutableIds) applied.push('IdType="ImmutableId"');
  return applied.length ? { 'Preference-Applied': applied.join(', ') } : {};
}

export function hasScope(env: GraphEnv, ...wanted: string[]): boolean {
  return wanted.some((w) => env.scopes.has(w.toLowerCase()));
}
