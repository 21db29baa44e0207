// One result -> a table (TTY), tab-separated lines (pipe) or one JSON document (--json).
// The same columns in every form; only the decoration changes (STYLE.md "Commands").

import type { Output, Tone } from './output.js';

export interface RenderOptions {
  json: boolean;
  tty: boolean;
  color: boolean;
  write: (text: string) => void;
}

/** Tab and newline would break a tab-separated row; keep each value on its cell. */
function cell(value: string): string {
  return value.replace(/[\t\r\n]+/g, ' ');
}

export async function render(output: Output, options: RenderOptions): Promise<void> {
  if (options.json) {
    options.write(`${JSON.stringify(output.json, null, 2)}\n`);
    return;
  }
  const paint = options.tty && options.color ? await painter() : (_tone: Tone | undefined, text: string) => text;
  switch (output.kind) {
    case 'message':
      options.write(`${paint(output.tone, output.text)}\n`);
      return;
    case 'record': {
      if (options.tty) {
        const width = Math.max(...output.fields.map(([label]) => label.length));
        for (const [label, value, tone] of output.fields) options.write(`${label.padEnd(width)}  ${paint(tone, value)}\n`);
      } else {
        for (const [label, value] of output.fields) options.write(`${cell(label)}\t${cell(value)}\n`);
      }
      for (const note of output.notes ?? []) options.write(`${options.tty ? paint('warn', note) : `note\t${cell(note)}`}\n`);
      return;
    }
    case 'list': {
      if (output.rows.length === 0) {
        // An empty list is success (exit 0); say so on a TTY, print nothing in a pipe.
        if (options.tty) options.write(`${paint('dim', output.empty ?? 'nothing to show')}\n`);
        return;
      }
      if (!options.tty) {
        for (const row of output.rows) options.write(`${output.columns.map((c) => cell(c.value(row))).join('\t')}\n`);
        return;
      }
      const { default: Table } = await import('cli-table3');
      const table = new Table({
        head: output.columns.map((c) => paint('dim', c.header)),
        style: { head: [], border: [] },
        wordWrap: true,
      });
      for (const row of output.rows) table.push(output.columns.map((c) => paint(c.tone?.(row), c.value(row))));
      options.write(`${table.toString()}\n`);
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
