// Adds and connects many staff members quickly, for the bench's daemon rows: the CLI's own
// `staff add` and `connect` run in this one process (main.run), BENCH_CONCURRENCY sign-ins at
// once; each device code is approved for its own user through the simulator's control API, as
// the person would on the sign-in page. Env: BENCH_SIM_URL, BENCH_EMAILS (comma-separated),
// BENCH_CONCURRENCY, and the CLI's own (CASEFLOW_DB, NODE_EXTRA_CA_CERTS, ...).

const { run } = await import('../../dist/cli/main.js');
const simUrl = process.env.BENCH_SIM_URL;
const emails = (process.env.BENCH_EMAILS ?? '').split(',').filter(Boolean);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);

async function cli(args, onStderr) {
  let stdout = '';
  let stderr = '';
  const code = await run(['node', 'caseflow-outlook', ...args], {
    io: {
      stdout: (t) => (stdout += t),
      stderr: (t) => {
        stderr += t;
        onStderr?.(stderr);
      },
      stdoutIsTTY: false,
      stderrIsTTY: false,
      env: process.env,
    },
    signal: new AbortController().signal,
  });
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}: ${stderr}${stdout}`);
}

for (const email of emails) await cli(['staff', 'add', '--email', email, '--name', email.split('@')[0]]);

let next = 0;
async function worker() {
  while (next < emails.length) {
    const email = emails[next++];
    let approved = false;
    await cli(['connect', '--staff', email], (err) => {
      const m = /enter the code (\S+?) to/.exec(err);
      if (!m || approved) return;
      approved = true;
      void fetch(`${simUrl}/_control/device-codes/approve`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ userCode: m[1], email }),
      }).then((r) => {
        if (!r.ok) throw new Error(`approving ${email}: HTTP ${r.status}`);
      });
    });
  }
}
await Promise.all(Array.from({ length: Math.min(concurrency, emails.length) }, worker));
