// The bench's "naive script": what a developer would write in an afternoon: one POST
// /me/events per event, 4 in flight, Retry-After honoured on 429/503/504. The tool must never be
// slower than this. Env: BENCH_SIM_URL, BENCH_TOKEN, BENCH_N; NODE_EXTRA_CA_CERTS for the
// simulator's certificate. Prints one JSON line: {ms, requests, retried, created}.

const base = process.env.BENCH_SIM_URL;
const token = process.env.BENCH_TOKEN;
const n = Number(process.env.BENCH_N ?? 1000);
const IN_FLIGHT = 4;

const day = 86_400_000;
const today = new Date();
today.setUTCHours(0, 0, 0, 0);
let requests = 0;
let retried = 0;
let created = 0;

async function post(i) {
  const start = new Date(today.getTime() + (1 + (i % 300)) * day + (8 + (Math.floor(i / 300) % 10)) * 3_600_000);
  const body = JSON.stringify({
    subject: `Naive ${i}`,
    start: { dateTime: start.toISOString().slice(0, 19), timeZone: 'UTC' },
    end: { dateTime: new Date(start.getTime() + 1_800_000).toISOString().slice(0, 19), timeZone: 'UTC' },
    transactionId: `naive-${i}`,
  });
  for (;;) {
    requests += 1;
    const res = await fetch(`${base}/v1.0/me/events`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Prefer: 'IdType="ImmutableId"' },
      body,
    });
    await res.arrayBuffer();
    if (res.status === 201) {
      created += 1;
      return;
    }
    if (![429, 503, 504].includes(res.status)) throw new Error(`POST /me/events answered ${res.status}`);
    retried += 1;
    await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
  }
}

const t0 = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: IN_FLIGHT }, async () => {
    while (next < n) await post(next++);
  }),
);
console.log(JSON.stringify({ ms: performance.now() - t0, requests, retried, created }));
