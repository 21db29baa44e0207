// The few OData query forms the tool needs: finding an event by the value of our extended
// property, expanding that property, $select, and simple `prop eq 'x'` filters.
import { GraphError, type StoredEvent } from '../mailbox/model.js';
import { sameExtendedId } from '../mailbox/mailbox.js';

const STRING = String.raw`'((?:[^']|'')*)'`;
const unquote = (s: string) => s.replace(/''/g, "'");

function invalidFilter(): GraphError {
  return new GraphError(400, 'ErrorInvalidUrlQueryFilter', 'The query filter contains one or more invalid nodes.');
}

type Predicate = (ev: StoredEvent) => boolean;

const SIMPLE_PROPS: Record<string, (ev: StoredEvent) => unknown> = {
  icaluid: (ev) => ev.iCalUId,
  subject: (ev) => ev.fields.subject,
  type: (ev) => ev.type,
  transactionid: (ev) => ev.transactionId,
  sensitivity: (ev) => ev.fields.sensitivity,
  showas: (ev) => ev.fields.showAs,
};

function parseAny(expr: string): Predicate | null {
  const m = new RegExp(String.raw`^singleValueExtendedProperties\/any\(\s*(\w+)\s*:\s*(.*)\)$`, 'i').exec(expr);
  if (!m) return null;
  const v = m[1] as string;
  const clauses = (m[2] as string).split(/\s+and\s+/i).map((c) => c.trim());
  let id: string | null = null;
  let value: string | null = null;
  for (const clause of clauses) {
    const c = new RegExp(String.raw`^${v}\/(id|value)\s+eq\s+${STRING}$`, 'i').exec(clause);
    if (!c) throw invalidFilter();
    if ((c[1] as string).toLowerCase() === 'id') id = unquote(c[2] as string);
    else value = unquote(c[2] as string);
  }
  if (id === null) throw invalidFilter();
  const wantedId = id;
  return (ev) => ev.extendedProperties.some((p) => sameExtendedId(p.id, wantedId) && (value === null || p.value === value));
}

/** `$filter` for GET /me/events; throws 400 ErrorInvalidUrlQueryFilter on anything else. */
export function parseFilter(filter: string | null): Predicate {
  if (!filter) return () => true;
  const any = parseAny(filter.trim());
  if (any) return any;
  const parts = filter.split(/\s+and\s+/i).map((part) => {
    const m = new RegExp(String.raw`^\s*(\w+)\s+eq\s+${STRING}\s*$`).exec(part);
    const getter = m ? SIMPLE_PROPS[(m[1] as string).toLowerCase()] : undefined;
    if (!m || !getter) throw invalidFilter();
    const wanted = unquote(m[2] as string);
    return (ev: StoredEvent) => getter(ev) === wanted;
  });
  return (ev) => parts.every((p) => p(ev));
}

/** `$expand=singleValueExtendedProperties($filter=id eq '...' [or id eq '...'])` -> the ids. */
export function parseExpand(expand: string | null): string[] | null {
  if (!expand) return null;
  const m = /^singleValueExtendedProperties\(\s*\$filter\s*=\s*(.*)\)$/i.exec(expand.trim());
  if (!m) {
    throw new GraphError(400, 'BadRequest', `Parsing OData Select and Expand failed: Could not find a property named '${expand}' on type 'microsoft.graph.event'.`);
  }
  return (m[1] as string).split(/\s+or\s+/i).map((clause) => {
    const c = new RegExp(String.raw`^\s*id\s+eq\s+${STRING}\s*$`, 'i').exec(clause);
    if (!c) throw invalidFilter();
    return unquote(c[1] as string);
  });
}

export function parseSelect(select: string | null): string[] | null {
  if (!select) return null;
  return select.split(',').map((s) => s.trim()).filter(Boolean);
}

/** `$top`/`$skip` as non-negative integers; 400 otherwise. */
export function parseCount(value: string | null, name: string): number | null {
  if (value === null) return null;
  if (!/^\d+$/.test(value)) throw new GraphError(400, 'BadRequest', `Invalid value '${value}' for query option ${name}.`);
  return Number(value);
}
