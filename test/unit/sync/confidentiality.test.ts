import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONFIDENTIAL_BODY, confidentialityReason, isConfidential, toGraphPayload } from '../../../src/sync/confidentiality.js';
import { plan } from '../../../src/sync/planner.js';
import type { GraphEventPayload, LocalItem } from '../../../src/sync/model.js';
import { content, input, item, linkFor, policy, pushedEvent } from './fixtures.js';

const PROTECTED = ['Court Date', 'Hearing', 'Deposition', 'Filing Deadline', 'Statute of Limitations'];

describe('what is confidential: matter-linked or in a protected category', () => {
  it('any matter link makes an item confidential', () => {
    expect(isConfidential({ matterId: 1, category: null }, PROTECTED)).toBe(true);
    expect(isConfidential({ matterId: 0, category: 'Lunch' }, PROTECTED)).toBe(true);
  });

  it('a protected category makes it confidential, whatever its case or surrounding spaces', () => {
    expect(isConfidential({ matterId: null, category: 'court date' }, PROTECTED)).toBe(true);
    expect(isConfidential({ matterId: null, category: ' HEARING ' }, PROTECTED)).toBe(true);
  });

  it('no matter and an unprotected or missing category is not confidential', () => {
    expect(isConfidential({ matterId: null, category: 'Lunch' }, PROTECTED)).toBe(false);
    expect(isConfidential({ matterId: undefined, category: null }, PROTECTED)).toBe(false);
    expect(isConfidential({ matterId: null, category: 'Hearing' }, [])).toBe(false);
  });

  it('says why, in words', () => {
    expect(confidentialityReason({ matterId: 4, category: null }, PROTECTED)).toBe('linked to matter 4');
    expect(confidentialityReason({ matterId: null, category: 'Hearing' }, PROTECTED)).toBe('category "Hearing" is protected');
  });
});

// Descriptions come from an alphabet no other generated field uses, so any trace of one in a
// payload is a leak, not a coincidence.
const SECRET_ALPHABET = [...'ЖЗИЙКЛМНПФЦЧШЩЭЮЯξψω'];
const secret = fc.array(fc.constantFrom(...SECRET_ALPHABET, '\n'), { minLength: 1, maxLength: 60 }).map((cs) => `§${cs.join('')}`);
const plain = fc.string({ maxLength: 40 });
const facts = fc.oneof(
  fc.record({ matterId: fc.nat(), category: fc.option(fc.constantFrom(...PROTECTED, 'Lunch'), { nil: null }) }),
  fc.record({
    matterId: fc.constant(null),
    category: fc.tuple(fc.constantFrom(...PROTECTED), fc.boolean()).map(([c, upper]) => (upper ? c.toUpperCase() : c.toLowerCase())),
  }),
);
const arbItem = fc.record({
  kind: fc.constantFrom('event' as const, 'task' as const, 'deadline' as const),
  id: fc.nat({ max: 10_000 }),
  title: plain,
  location: plain,
  names: fc.array(plain, { maxLength: 3 }),
  description: secret,
  allDay: fc.boolean(),
  teams: fc.boolean(),
});

function leaves(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(leaves);
  if (value && typeof value === 'object') return Object.values(value).flatMap(leaves);
  return [];
}

function assertNoTrace(payload: GraphEventPayload, description: string): void {
  const json = JSON.stringify(payload);
  const text = leaves(payload).join('\u0000');
  for (const hay of [json, text]) {
    expect(hay).not.toContain(description);
    for (let i = 0; i + 8 <= description.length; i += 1) {
      for (let j = i + 8; j <= description.length; j += 1) expect(hay.includes(description.slice(i, j))).toBe(false);
    }
    for (const ch of SECRET_ALPHABET) expect(hay).not.toContain(ch);
  }
}

type Gen = { kind: LocalItem['kind']; id: number; title: string; location: string; names: string[]; description: string; allDay: boolean; teams: boolean };

function toItem(g: Gen, confidential: boolean): LocalItem {
  return item({
    kind: g.kind,
    id: g.id,
    confidential,
    content: content({
      title: g.title,
      description: g.description,
      location: g.location,
      attendees: g.names.map((name, i) => ({ email: `p${i}@example.com`, name, type: 'required' as const })),
      teamsMeeting: g.teams,
      ...(g.allDay ? { allDay: true, start: '2026-12-01', end: '2026-12-02' } : {}),
    }),
  });
}

describe('the confidentiality rule (property)', () => {
  it('a matter-linked or protected item: configured sensitivity, body exactly "Confidential", no trace of the description', () => {
    fc.assert(
      fc.property(arbItem, facts, fc.constantFrom('confidential' as const, 'private' as const), (g, f, sensitivity) => {
        expect(isConfidential(f, PROTECTED)).toBe(true);
        const payload = toGraphPayload(toItem(g, isConfidential(f, PROTECTED)), { sensitivity, protectedTitle: 'keep' });
        expect(payload.sensitivity).toBe(sensitivity);
        expect(payload.body).toEqual({ contentType: 'text', content: CONFIDENTIAL_BODY });
        assertNoTrace(payload, g.description);
      }),
      { numRuns: 300 },
    );
  });

  it('every Graph write the planner plans for a confidential item carries no trace of its description', () => {
    fc.assert(
      fc.property(fc.array(arbItem, { minLength: 1, maxLength: 6 }), fc.constantFrom('confidential' as const, 'private' as const), (gs, sensitivity) => {
        const items = gs.map((g, i) => toItem({ ...g, id: i + 1 }, true));
        // Half are new, half are linked and edited since their last push.
        const linked = items.filter((_, i) => i % 2 === 1);
        const links = linked.map((it) => {
          const before = { ...it, content: { ...it.content, title: `${it.content.title}-old` } };
          return linkFor(before, pushedEvent(before, `R${it.id}`));
        });
        const r = plan(input({ local: items, links, policy: policy({ sensitivity }) }));
        const writes = r.actions.filter((a) => a.type === 'remote.create' || a.type === 'remote.update');
        expect(writes).toHaveLength(items.length);
        for (const w of writes) {
          const g = gs[items.findIndex((it) => it.id === w.localId)]!;
          expect(w.payload.sensitivity).toBe(sensitivity);
          expect(w.payload.body.content).toBe(CONFIDENTIAL_BODY);
          assertNoTrace(w.payload, g.description);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('category or busy: no trace of a confidential title in any payload; with keep, or not confidential, the title goes', () => {
    // Titles from an alphabet no mask, category or other field uses.
    const title = fc.array(fc.constantFrom(...'ĀĒĪŌŪ'), { minLength: 1, maxLength: 20 }).map((cs) => `Ŧ${cs.join('')}`);
    const modes = fc.constantFrom('keep' as const, 'category' as const, 'busy' as const);
    fc.assert(
      fc.property(arbItem, title, fc.option(fc.constantFrom(...PROTECTED, 'Lunch'), { nil: null }), modes, fc.boolean(), (g, t, category, protectedTitle, confidential) => {
        const it = { ...toItem({ ...g, title: t }, confidential), category: g.kind === 'event' ? category : null };
        const payload = toGraphPayload(it, { sensitivity: 'confidential', protectedTitle });
        const hidden = confidential && protectedTitle !== 'keep';
        expect(JSON.stringify(payload).includes('Ŧ')).toBe(!hidden);
        if (hidden) expect(['Busy', 'Task', 'Deadline', ...PROTECTED, 'Lunch']).toContain(payload.subject);
      }),
      { numRuns: 300 },
    );
  });

  it('control: an item that is not confidential does carry its description, with normal sensitivity', () => {
    fc.assert(
      fc.property(arbItem, (g) => {
        const payload = toGraphPayload(toItem(g, false), { sensitivity: 'private', protectedTitle: 'keep' });
        expect(payload.sensitivity).toBe('normal');
        expect(payload.body.content).toBe(g.description);
      }),
      { numRuns: 100 },
    );
  });
});
