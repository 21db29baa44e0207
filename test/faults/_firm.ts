// The fault suite's firm: a world (simulator + store + CLI), random edits on both sides from one
// seed, a model of what each side must hold, and the check that both sides hold exactly that:
// no duplicate (by transactionId, by CaseFlow tag, by item), no lost edit, and no confidential
// description in any request Graph saw.

import { expect } from 'vitest';
import { seededRng, type Rng } from '../../src/simulator/random.js';
import { world, type World } from '../helpers/world.js';

export const CASEFLOW_TAG = 'String {6f1c2a4e-8b3d-4c7a-9e21-5d0b7c3f8a19} Name CaseFlowId';

/** The run's seed: CASEFLOW_FAULT_SEED to replay one, else a fresh one (printed either way). */
export function faultSeed(name: string): number {
  const given = process.env.CASEFLOW_FAULT_SEED;
  const seed = given !== undefined && given !== '' ? Number(given) : Math.floor(Math.random() * 2 ** 31);
  if (!Number.isInteger(seed)) throw new Error(`CASEFLOW_FAULT_SEED is not an integer: ${given}`);
  console.log(`${name}: seed ${seed} (replay with CASEFLOW_FAULT_SEED=${seed} npm run test:faults)`);
  return seed;
}

export interface Item {
  key: string;
  staff: string;
  title: string;
  location: string;
  /** Made in CaseFlow (its CaseFlow id), or in Outlook (null until pulled). */
  caseflowId: number | null;
  /** Known once linked (or made in Outlook). */
  outlookId: string | null;
  confidential: boolean;
  secret: string | null;
}

const day = (n: number) => `2026-12-${String(1 + (n % 28)).padStart(2, '0')}`;
const keyOf = (title: string) => /^(\S+) v\d+$/.exec(title)?.[1] ?? null;

export interface Firm {
  w: World;
  rng: Rng;
  seed: number;
  staff: string[];
  items: Map<string, Item>;
  /**
   * Random edits on both sides. Until the next check, an item is edited on one side only: an edit
   * a failed run left unsynced, then an edit on the other side, is a change on both sides, which
   * Outlook wins (the conflict rule), not the later edit; this model does not predict that.
   */
  edit(o?: { caseflow?: boolean; outlook?: boolean; max?: number }): Promise<string[]>;
  /** Both sides hold exactly the model (call after a run that went to its end). */
  check(where: string): Promise<void>;
  /** Refreshes what the model knows of ids from the store (after a converged run). */
  learnIds(): Promise<void>;
  stop(): Promise<void>;
}

export async function firm(staff: string[], seed: number, opts: Parameters<typeof world>[1] = {}): Promise<Firm> {
  const w = await world(staff, opts, { inProcess: true });
  const rng = seededRng(seed);
  const pick = <T,>(xs: T[]): T => xs[Math.floor(rng() * xs.length)]!;
  const chance = (p: number) => rng() < p;
  const items = new Map<string, Item>();
  let counter = 0;
  let version = 0;
  /** The side each item was edited on since the last check. */
  const editedOn = new Map<string, 'caseflow' | 'outlook'>();

  const mailbox = (email: string) => w.sim.control.events(email, { calendar: 'primary' }).filter((e) => !e.deleted && e.type !== 'occurrence');

  async function addCaseflow(log: string[]): Promise<void> {
    const key = `cf${++counter}`;
    const email = pick(staff);
    const confidential = chance(0.3);
    const secret = confidential ? `SECRET-${key}-${Math.floor(rng() * 1e9)}` : null;
    const n = counter;
    const body = await w.ok<{ id: number }>([
      'events', 'add', '--staff', email, '--title', `${key} v0`, '--start', `${day(n)}T${String(8 + (n % 9)).padStart(2, '0')}:00`,
      '--end', `${day(n)}T${String(9 + (n % 9)).padStart(2, '0')}:00`, '--location', `room ${n}`, '--description', secret ?? `plain notes ${key}`,
      ...(confidential ? ['--category', 'Hearing'] : []),
    ]);
    items.set(key, { key, staff: email, title: `${key} v0`, location: `room ${n}`, caseflowId: body.id, outlookId: null, confidential, secret });
    log.push(`caseflow add ${key} (${email}${confidential ? ', confidential' : ''})`);
  }

  async function editCaseflow(item: Item, log: string[]): Promise<void> {
    const title = `${item.key} v${++version}`;
    const location = chance(0.5) ? `moved ${version}` : item.location;
    await w.ok(['events', 'update', String(item.caseflowId), '--title', title, '--location', location]);
    item.title = title;
    item.location = location;
    log.push(`caseflow update ${item.key} -> ${title}`);
  }

  async function deleteCaseflow(item: Item, log: string[]): Promise<void> {
    await w.ok(['events', 'delete', String(item.caseflowId)]);
    items.delete(item.key);
    log.push(`caseflow delete ${item.key}`);
  }

  function addOutlook(log: string[]): void {
    const key = `ol${++counter}`;
    const email = pick(staff);
    const n = counter;
    const ev = w.sim.control.createEvent(email, {
      subject: `${key} v0`, location: { displayName: `hall ${n}` },
      start: { dateTime: `${day(n + 3)}T12:00:00`, timeZone: 'UTC' }, end: { dateTime: `${day(n + 3)}T13:00:00`, timeZone: 'UTC' },
    });
    items.set(key, { key, staff: email, title: `${key} v0`, location: `hall ${n}`, caseflowId: null, outlookId: ev.immutableId, confidential: false, secret: null });
    log.push(`outlook add ${key} (${email})`);
  }

  function editOutlook(item: Item, log: string[]): void {
    const title = `${item.key} v${++version}`;
    const patch: Record<string, unknown> = { subject: title };
    // A confidential event's location is left to CaseFlow; a normal one's moves now and then.
    if (!item.confidential && chance(0.5)) {
      item.location = `outlook ${version}`;
      patch.location = { displayName: item.location };
    }
    w.sim.control.updateEvent(item.staff, item.outlookId!, patch);
    item.title = title;
    log.push(`outlook update ${item.key} -> ${title}`);
  }

  function deleteOutlook(item: Item, log: string[]): void {
    w.sim.control.deleteEvent(item.staff, item.outlookId!);
    items.delete(item.key);
    log.push(`outlook delete ${item.key}`);
  }

  const f: Firm = {
    w,
    rng,
    seed,
    staff,
    items,
    async edit({ caseflow = true, outlook = true, max = 3 } = {}) {
      const log: string[] = [];
      const touched = new Set<string>();
      const untouched = (side: 'caseflow' | 'outlook', fn: (i: Item) => boolean) =>
        [...items.values()].filter((i) => !touched.has(i.key) && (editedOn.get(i.key) ?? side) === side && fn(i));
      const touch = (item: Item, side: 'caseflow' | 'outlook') => {
        touched.add(item.key);
        editedOn.set(item.key, side);
      };
      if (caseflow) {
        for (let i = Math.floor(rng() * (max + 1)); i > 0; i -= 1) await addCaseflow(log);
        for (let i = Math.floor(rng() * max); i > 0; i -= 1) {
          const c = untouched('caseflow', (x) => x.caseflowId !== null && x.outlookId !== null);
          if (!c.length) break;
          const item = pick(c);
          touch(item, 'caseflow');
          await editCaseflow(item, log);
        }
        const d = untouched('caseflow', (x) => x.caseflowId !== null && x.outlookId !== null);
        if (d.length > 4 && chance(0.15)) {
          const item = pick(d);
          touch(item, 'caseflow');
          await deleteCaseflow(item, log);
        }
      }
      if (outlook) {
        for (let i = Math.floor(rng() * max); i > 0; i -= 1) addOutlook(log);
        for (let i = Math.floor(rng() * max); i > 0; i -= 1) {
          const c = untouched('outlook', (x) => x.outlookId !== null && x.caseflowId !== null);
          if (!c.length) break;
          const item = pick(c);
          touch(item, 'outlook');
          editOutlook(item, log);
        }
        const d = untouched('outlook', (x) => x.outlookId !== null && x.caseflowId !== null);
        if (d.length > 4 && chance(0.1)) {
          const item = pick(d);
          touch(item, 'outlook');
          deleteOutlook(item, log);
        }
      }
      return log;
    },
    async learnIds() {
      const events = await w.ok<{ id: number; title: string; outlookId: string | null }[]>(['events', 'list']);
      for (const e of events) {
        const item = items.get(keyOf(e.title) ?? '');
        if (!item) continue;
        item.caseflowId = e.id;
        if (e.outlookId) item.outlookId = e.outlookId;
      }
    },
    async check(where) {
      const ctx = `${where} (seed ${seed})`;
      const events = await w.ok<{ id: number; staff: string; title: string; location: string; description: string; outlookId: string | null }[]>(['events', 'list']);
      const made = (await w.ok<{ direction: string; outlookId: string | null }[]>(['audit', '--action', 'create', '--limit', '100000'])).filter((r) => r.direction === 'outlook');
      for (const email of staff) {
        const expected = [...items.values()].filter((i) => i.staff === email).map((i) => `${i.title} @ ${i.location}`).sort();
        const inCaseflow = events.filter((e) => e.staff === email).map((e) => `${e.title} @ ${e.location}`).sort();
        const box = mailbox(email);
        const inOutlook = box.map((e) => `${String(e.subject)} @ ${String((e.location as { displayName?: string } | undefined)?.displayName ?? '')}`).sort();
        // Duplicates first: by the create's transactionId, by the CaseFlow tag, by item.
        const count = (xs: (string | null | undefined)[]) => {
          const m = new Map<string, number>();
          for (const x of xs) if (x) m.set(x, (m.get(x) ?? 0) + 1);
          return [...m].filter(([, n]) => n > 1).map(([x]) => x);
        };
        expect(count(box.map((e) => e.transactionId)), `${ctx}: ${email}: duplicate transactionIds in Outlook`).toEqual([]);
        expect(count(box.map((e) => e.extendedProperties.find((p) => p.id.toLowerCase() === CASEFLOW_TAG.toLowerCase())?.value)), `${ctx}: ${email}: duplicate CaseFlow tags in Outlook`).toEqual([]);
        expect(count(box.map((e) => keyOf(String(e.subject)))), `${ctx}: ${email}: the same item twice in Outlook`).toEqual([]);
        expect(count(events.filter((e) => e.staff === email).map((e) => keyOf(e.title))), `${ctx}: ${email}: the same item twice in CaseFlow`).toEqual([]);
        // Every copy the tool made is audited once as made, even one whose answer a killed run never read.
        const unaudited = box.filter((e) => e.extendedProperties.some((p) => p.id.toLowerCase() === CASEFLOW_TAG.toLowerCase()) && made.filter((r) => r.outlookId === e.immutableId).length !== 1);
        expect(unaudited.map((e) => String(e.subject)), `${ctx}: ${email}: copies the tool made, not audited once as made`).toEqual([]);
        expect(inCaseflow, `${ctx}: ${email}: CaseFlow holds what was made on either side`).toEqual(expected);
        expect(inOutlook, `${ctx}: ${email}: Outlook holds what was made on either side`).toEqual(expected);
      }
      // Confidential descriptions stay in CaseFlow and never reach Graph.
      for (const item of items.values()) {
        if (!item.secret) continue;
        const e = events.find((x) => keyOf(x.title) === item.key);
        expect(e?.description, `${ctx}: ${item.key}: its CaseFlow description is kept`).toBe(item.secret);
      }
      const secrets = [...items.values()].flatMap((i) => (i.secret ? [i.secret] : []));
      const leaked = w.sim.control.requestLog().filter((r) => secrets.some((s) => JSON.stringify(r.requestBody ?? '').includes(s)));
      expect(leaked.map((r) => `${r.method} ${r.path}`), `${ctx}: a confidential description reached Graph`).toEqual([]);
      w.sim.control.clearRequestLog();
      editedOn.clear();
    },
    stop: () => w.stop(),
  };
  return f;
}
