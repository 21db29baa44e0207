// One result -> a table (TTY), tab-separated lines (pipe) or one JSON document (--json).
// The same columns in every form; only the decoration changes (colour, table lines).
//
// Every string a human form prints goes through `visible` (../safe-text.ts): a title, location
// or name from Outlook may hold escape sequences, and none of them may reach the terminal. The
// layout characters are settled first: in a pipe, tabs and line breaks become one space (a row
// stays one line of cells); on a TTY a line break starts a new line of the cell, note or record
// value, and a tab is a space. `--json` prints every value exactly.

import { terminalSafeJson, visible } from '../safe-text.js';
import type { Output, Tone } from './output.js';

export interface RenderOptions {
  json: boolean;
  tty: boolean;
  color: boolean;
  write: (text: string) => void;
}

/** One cell of a tab-separated row: a single line with no tab, no control character. */
function cell(value: string): string {
  return visible(value.replace(/[\t\r\n]+/g, ' '));
}

/** Text for a terminal: its lines, each free of control characters. */
function lines(value: string): string[] {
  return value.split(/\r?\n/).map((line) => visible(line.replace(/\t/g, ' ')));
}

const screen = (value: string): string => lines(value).join('\n');

export async function render(output: Output, options: RenderOptions): Promise<void> {
  if (options.json) {
    // JSON.stringify escapes U+0000-U+001F; terminalSafeJson escapes DEL, C1 and bidi controls
    // too. The document parses to exactly the same values.
    options.write(`${terminalSafeJson(JSON.stringify(output.json, null, 2))}\n`);
    return;
  }
  const paint = options.tty && options.color ? await painter() : (_tone: Tone | undefined, t: string) => t;
  switch (output.kind) {
    case 'message':
      options.write(`${paint(output.tone, screen(output.text))}\n`);
      return;
    case 'record': {
      if (options.tty) {
        const labels = output.fields.map(([label]) => screen(label));
        const width = Math.max(...labels.map((l) => l.length));
        output.fields.forEach(([, value, tone], i) => {
          const shown = lines(value).join(`\n${' '.repeat(width + 2)}`);
          options.write(`${labels[i]!.padEnd(width)}  ${paint(tone, shown)}\n`);
        });
      } else {
        for (const [label, value] of output.fields) options.write(`${cell(label)}\t${cell(value)}\n`);
      }
      for (const note of output.notes ?? []) options.write(`${options.tty ? paint('warn', screen(note)) : `note\t${cell(note)}`}\n`);
      return;
    }
    case 'list': {
      if (output.rows.length === 0) {
        // An empty list is success (exit 0); say so on a TTY, print nothing in a pipe.
        if (options.tty) options.write(`${paint('dim', screen(output.empty ?? 'nothing to show'))}\n`);
        return;
      }
      if (!options.tty) {
        for (const row of output.rows) options.write(`${output.columns.map((c) => cell(c.value(row))).join('\t')}\n`);
        return;
      }
      const { default: Table } = await import('cli-table3');
      const table = new Table({
        head: output.columns.map((c) => paint('dim', screen(c.header))),
        style: { head: [], border: [] },
        wordWrap: true,
      });
      for (const row of output.rows) table.push(output.columns.map((c) => paint(c.tone?.(row), screen((c.short ?? c.value)(row)))));
      options.write(`${table.toString()}\n`);
      for (const note of output.notes ?? []) options.write(`${paint('warn', screen(note))}\n`);
    }
  }
}

async function painter(): Promise<(tone: Tone | undefined, text: string) => string> {
  const { Chalk } = await import('chalk');
  const chalk = new Chalk({ level: 1 });
  return (tone, text) => {
    switch (tone) {
      case 'good':
        return chalk.green(text);
      case 'bad':
        return chalk.red(text);
      case 'warn':
        return chalk.yellow(text);
      case 'dim':
        return chalk.dim(text);
      default:
        return text;
    }
  };
}
