// Renders the bench's rows: an aligned text table for the terminal and a markdown table for the
// README's "Performance" section (between its bench markers) and bench/results.md.

export function fmtMs(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  if (Math.abs(ms) < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function fmtMb(kb) {
  return kb === null || kb === undefined ? '—' : `${Math.round(kb / 1024)} MB`;
}

function cells(r) {
  return [
    r.label,
    r.figureText ?? fmtMs(r.ms),
    r.floorMs === null ? '—' : fmtMs(r.floorMs),
    r.ratio === null ? '—' : `${r.ratio.toFixed(2)}x`,
    r.targetText ?? '—',
    r.pass === null ? '—' : r.pass ? 'PASS' : 'MISS',
    r.requestsText ?? '—',
    fmtMb(r.rssKb),
  ];
}

const HEAD = ['row', 'figure', 'floor', 'ratio', 'target', 'result', 'requests', 'peak RSS'];

export function textTable(rows) {
  const body = rows.map(cells);
  const widths = HEAD.map((h, i) => Math.max(h.length, ...body.map((c) => c[i].length)));
  const line = (c) => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  return [line(HEAD), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function markdownTable(rows) {
  const esc = (s) => s.replace(/\|/g, '\\|');
  const body = rows.map((r) => `| ${cells(r).map(esc).join(' | ')} |`);
  return [`| ${HEAD.join(' | ')} |`, `|${HEAD.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...body].join('\n');
}

export function notesList(rows) {
  return rows.filter((r) => r.note).map((r) => `- ${r.label}: ${r.note}`);
}
