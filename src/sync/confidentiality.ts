// Confidentiality of client information (ABA Model Rule 1.6): what is confidential, and the Graph
// payload that carries it.
// Every byte sent to Graph for a CaseFlow item is built here, so the rule lives in one place.
//
// Choice, written down: for a confidential item the DESCRIPTION FIELD never leaves CaseFlow, in any
// form: the body is exactly "Confidential" and no other payload field is derived from it. Title,
// location, times and attendees go through, as the product promises ("Title, start and end still go
// through"). If a user types the same words into the title, they are sent as the title: redacting
// titles would break the explicit rule and turn every such event into an unnamed block in Outlook.

import { normalizeAttendees } from './content.js';
import { graphStartEnd } from './mapping.js';
import type { GraphEventPayload, ItemKind, LocalItem, Sensitivity } from './model.js';

export const CONFIDENTIAL_BODY = 'Confidential';

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

export interface PayloadOptions {
  sensitivity: 'confidential' | 'private';
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
    subject: c.title.trim(),
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
