// What a command returns: data plus how to show it. Rendering lives in render.ts.

export interface Column<T> {
  header: string;
  value: (row: T) => string;
  /** What a TTY table shows instead of a long value; the list's notes then say it in full. */
  short?: (row: T) => string;
  /** A colour hint for TTY rendering only. */
  tone?: (row: T) => Tone | undefined;
}
export type Tone = 'good' | 'bad' | 'warn' | 'dim';

export type Output =
  | { kind: 'list'; columns: Column<any>[]; rows: unknown[]; json: unknown; empty?: string; notes?: string[] }
  | { kind: 'record'; fields: [string, string, Tone?][]; json: unknown; notes?: string[] }
  | { kind: 'message'; text: string; json: unknown; tone?: Tone };

/** `notes` are printed after a TTY table only: a pipe has the full values in the rows. */
export function listing<T>(columns: Column<T>[], rows: T[], json: unknown = rows, empty = 'nothing to show', notes?: string[]): Output {
  return notes?.length ? { kind: 'list', columns, rows, json, empty, notes } : { kind: 'list', columns, rows, json, empty };
}

export function record(fields: [string, string, Tone?][], json: unknown, notes?: string[]): Output {
  return notes ? { kind: 'record', fields, json, notes } : { kind: 'record', fields, json };
}

export function message(text: string, json: unknown, tone?: Tone): Output {
  return tone ? { kind: 'message', text, json, tone } : { kind: 'message', text, json };
}
