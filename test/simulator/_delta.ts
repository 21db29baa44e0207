// Test helper: follow one delta round (nextLinks until the deltaLink) with plain fetch.
import { expect } from 'vitest';
import { graph, type Simulator } from '../helpers/sim.js';

export const PREFER = 'outlook.timezone="UTC", IdType="ImmutableId", odata.maxpagesize=50';

export interface Round {
  pages: any[][];
  items: any[];
  deltaLink: string;
  links: string[];
}

export async function deltaRound(sim: Simulator, token: string, start: string, prefer = PREFER, maxPages = 50): Promise<Round> {
  const pages: any[][] = [];
  const links: string[] = [];
  let link = start.startsWith('https://') ? start : `${sim.url}/v1.0${start}`;
  for (let i = 0; i < maxPages; i++) {
    const res = await graph(sim, token, 'GET', link, undefined, prefer ? { Prefer: prefer } : {});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    pages.push(res.body.value);
    if (res.body['@odata.deltaLink']) return { pages, items: pages.flat(), deltaLink: res.body['@odata.deltaLink'], links };
    link = res.body['@odata.nextLink'];
    expect(link).toBeTruthy();
    links.push(link);
  }
  throw new Error('no deltaLink within the page limit');
}

export const windowQuery = (start = '2026-03-01T00:00:00Z', end = '2026-04-01T00:00:00Z') =>
  `/me/calendarView/delta?startDateTime=${encodeURIComponent(start)}&endDateTime=${encodeURIComponent(end)}`;

export const at = (dateTime: string, zone = 'UTC') => ({ dateTime, timeZone: zone });

export const event = (subject: string, start: string, end: string) => ({ subject, start: at(start), end: at(end) });
