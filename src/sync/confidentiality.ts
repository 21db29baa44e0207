// Confidentiality of client information (ABA Model Rule 1.6): what is confidential, and the Graph
// payload that carries it.
// Every byte sent to Graph for a CaseFlow item is built here, so the rule lives in one place.
//
// Choice, written down: for a confidential item the DESCRIPTION FIELD never leaves CaseFlow, in any
// form: the body is exactly "Confidential" and no other payload field is derived from it. Location,
// times and attendees go through. The title goes through too unless the firm chose to mask it
// (`sync.protectedTitle`): `category` sends the item's category name instead ("Task" for a task,
// "Deadline" for a deadline, "Busy" for an event without one), `busy` sends "Busy". With `keep`
// (the default), words a user types into the title are sent as the title.

import { normalizeAttendees } from './content.js';
import { graphStartEnd } from './mapping.js';
import type { GraphEventPayload, ItemKind, Link, LocalItem, Policy, ProtectedTitle, Sensitivity } from './model.js';

export const CONFIDENTIAL_BODY = 'Confidential';
/** The neutral title of a masked item that has no better word (`busy`, or no category). */
export const BUSY_TITLE = 'Busy';

export interface ConfidentialityFacts {
  /** Default `event`. Deadlines always belong to a matter; tasks and deadlines have no category. */
  kind?: ItemKind;
  matterId: number | null | undefined;
  category: string | null | undefined;
}

/**
 * THE rule, used by the planner's input, every JSON shape and `status`: an item is confidential
 * when it is linked to a matter (any matter; deadlines always are), or, for an event, when its
 * category is protected (case-insensitive).
 */
export function isConfidential(item: ConfidentialityFacts, protectedCategories: Iterable<string>): boolean {
  if (item.kind === 'deadline') return true;
  if (item.matterId !== null && item.matterId !== undefined) return true;
  if (item.kind !== undefined && item.kind !== 'event') return false;
  const category = item.category?.trim().toLowerCase();
  if (!category) return false;
  for (const name of protectedCategories) if (name.trim().toLowerCase() === category) return true;
  return false;
}

/** Why an item is or is not confidential, in words (for `explain`). */
export function confidentialityReason(item: ConfidentialityFacts, protectedCategories: Iterable<string>): string {
  if (item.kind === 'deadline') return 'a deadline always belongs to a matter';
  if (item.matterId !== null && item.matterId !== undefined) return `linked to matter ${item.matterId}`;
  if (isConfidential(item, protectedCategories)) return `category "${item.category}" is protected`;
  return 'no matter and no protected category';
}

export type PayloadOptions = Pick<Policy, 'sensitivity' | 'protectedTitle'>;

/**
 * The title Outlook's copy of an item is given instead of its real one, or null when the real
 * title goes (not confidential, or `keep`). Tasks and deadlines have no category: in `category`
 * mode they read as what they are.
 */
export function titleMask(item: Pick<LocalItem, 'kind' | 'confidential' | 'category'>, mode: ProtectedTitle): string | null {
  if (!item.confidential || mode === 'keep') return null;
  if (mode === 'busy') return BUSY_TITLE;
  if (item.kind === 'task') return 'Task';
  if (item.kind === 'deadline') return 'Deadline';
  return item.category?.trim() || BUSY_TITLE;
}

/** Every title a confidential item's Outlook copy may have been given under some setting. */
export function possibleMasks(item: Pick<LocalItem, 'kind' | 'category'>): string[] {
  const masks = (['category', 'busy'] as const).map((mode) => titleMask({ ...item, confidential: true }, mode)!);
  return [...new Set(masks)];
}

/**
 * The Outlook title of this item is not its real title: the copy carries a mask, or would once
 * pushed. Such a title is never taken back into CaseFlow, nor compared with the real one.
 */
export function titleMasked(link: Pick<Link, 'titleMask'>, item: Pick<LocalItem, 'kind' | 'confidential' | 'category'> | undefined, mode: ProtectedTitle): boolean {
  return (link.titleMask ?? null) !== null || (item !== undefined && titleMask(item, mode) !== null);
}

/**
 * The event fields sent for a CaseFlow item, on create and update alike.
 * Non-confidential items are sent with `sensitivity: normal` so that an item that stops being
 * confidential is reset. Teams is only ever switched on: Graph cannot switch it off.
 */
export function toGraphPayload(item: LocalItem, opts: PayloadOptions): GraphEventPayload {
  const c = item.content;
  const sensitivity: Sensitivity = item.confidential ? opts.sensitivity : 'normal';
  const payload: GraphEventPayload = {
    subject: titleMask(item, opts.protectedTitle) ?? c.title.trim(),
    body: { contentType: 'text', content: item.confidential ? CONFIDENTIAL_BODY : c.description },
    ...graphStartEnd(c),
    isAllDay: c.allDay,
    location: { displayName: c.location.trim() },
    attendees: normalizeAttendees(c.attendees).map((a) => ({ emailAddress: { address: a.email, name: a.name }, type: a.type })),
    sensitivity,
  };
  if (c.teamsMeeting) {
    payload.isOnlineMeeting = true;
    payload.onlineMeetingProvider = 'teamsForBusiness';
  }
  return payload;
}
