// Malformed events on demand: a test tells the simulator to serve one event's JSON rewritten
// (fields dropped, or set to values of the wrong shape) wherever Graph hands it out: delta
// pages, single reads, lists and views, write answers, batch items included. The stored event is
// untouched; clearing the malformation makes Graph serve it well again, with the same changeKey
// (so a delta round does not report it again: only a read by id sees that it was repaired).
import { ControlError } from './model.js';
import type { Mailbox } from './mailbox.js';

export interface Malformation {
  /** Dotted paths to remove, e.g. `start`, `start.dateTime`, `attendees.0.emailAddress`. */
  drop?: string[];
  /** Dotted path -> the value to serve there, e.g. `{"subject": 42, "start.dateTime": "garbage"}`. */
  set?: Record<string, unknown>;
}

export function parseMalformation(body: unknown): Malformation {
  const b = (body ?? {}) as Record<string, unknown>;
  const out: Malformation = {};
  if (b.drop !== undefined) {
    if (!Array.isArray(b.drop) || !b.drop.every((p) => typeof p === 'string' && p !== '')) throw new ControlError(400, 'drop is a list of dotted paths');
    out.drop = b.drop as string[];
  }
  if (b.set !== undefined) {
    if (typeof b.set !== 'object' || b.set === null || Array.isArray(b.set)) throw new ControlError(400, 'set is an object of dotted path -> value');
    out.set = { ...(b.set as Record<string, unknown>) };
  }
  if (!out.drop?.length && !Object.keys(out.set ?? {}).length) throw new ControlError(400, 'a malformation needs drop or set');
  return out;
}

type Node = Record<string, unknown> | unknown[];
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null;

function walk(root: Node, path: string, create: boolean): { parent: Node; key: string } | null {
  const parts = path.split('.');
  let node: Node = root;
  for (const part of parts.slice(0, -1)) {
    let next = (node as Record<string, unknown>)[part];
    if (!isNode(next)) {
      if (!create) return null;
      next = {};
      (node as Record<string, unknown>)[part] = next;
    }
    node = next as Node;
  }
  return { parent: node, key: parts[parts.length - 1]! };
}

/** A rewritten copy of one event's JSON. */
export function malform(json: Record<string, unknown>, m: Malformation): Record<string, unknown> {
  const out = structuredClone(json);
  for (const path of m.drop ?? []) {
    const at = walk(out, path, false);
    if (at) delete (at.parent as Record<string, unknown>)[at.key];
  }
  for (const [path, value] of Object.entries(m.set ?? {})) {
    const at = walk(out, path, true)!;
    (at.parent as Record<string, unknown>)[at.key] = structuredClone(value);
  }
  return out;
}

function rewriteOne(mailbox: Mailbox, entry: unknown): unknown {
  // Removals stay as they are: they carry nothing but the id.
  if (!isNode(entry) || Array.isArray(entry) || typeof entry.id !== 'string' || '@removed' in entry) return entry;
  const ev = mailbox.resolve(entry.id);
  const m = ev ? mailbox.malformed.get(ev.key) : undefined;
  return m ? malform(entry, m) : entry;
}

/** A reply body with every malformed event of the mailbox rewritten: one event or a `value` list. */
export function malformBody(mailbox: Mailbox, body: unknown): unknown {
  if (mailbox.malformed.size === 0 || !isNode(body) || Array.isArray(body)) return body;
  if (Array.isArray(body.value)) return { ...body, value: body.value.map((e) => rewriteOne(mailbox, e)) };
  return rewriteOne(mailbox, body);
}
