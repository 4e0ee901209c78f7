/**
 * Load generator for the server workload, in its own process so that the clients do not share
 * an event loop with the server they measure. Commands arrive over IPC from server.ts:
 *
 * - `http`: startRun over HTTP (fetch POST /graphql), `width` at once, each awaited to its end
 *   through one graphql-ws `runUpdated` subscription; latency = POST sent -> terminal status seen.
 * - `subscribe`: `subscribers` runEvents subscriptions of one run over `sockets` graphql-ws
 *   sockets; records every event's seq and its delivery latency (received - event `at`).
 * - `requests`: `{ __typename }` POSTs, `width` at once (the bare-Yoga floor, same client).
 */
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { fromParent, type Message, toParent } from '../lib/child.js';
import { latencyPercentiles } from '../lib/stats.js';
import { inFlight } from '../lib/timing.js';

export interface HttpCommand extends Message {
  type: 'http';
  url: string;
  wsUrl: string;
  graphId: string;
  runs: number;
  width: number;
}

/** Every command is answered by one `result` message; `error` set when the command failed. */
export interface Reply extends Message {
  type: 'result';
  error?: string;
}

export interface HttpResult extends Reply {
  ms: number;
  runs: number;
  p50: number;
  p99: number;
  /** Runs whose end was not seen in time. */
  failed: number;
  /** Runs that ended, but not SUCCEEDED (FAILED or CANCELLED), with the first such status. */
  notSucceeded: number;
  firstStatus: string | null;
}

export interface RequestsCommand extends Message {
  type: 'requests';
  url: string;
  requests: number;
  width: number;
}

export interface RequestsResult extends Reply {
  ms: number;
  requests: number;
  /** Answers other than `{ data: { __typename: "Query" } }`. */
  failed: number;
}

export interface SubscribeCommand extends Message {
  type: 'subscribe';
  wsUrl: string;
  runId: string;
  subscribers: number;
  sockets: number;
}

/** What one subscriber saw. */
export interface SubscriberReport {
  received: number;
  distinct: number;
  duplicates: number;
  maxSeq: number;
  /** The distinct seqs are exactly 1..maxSeq. */
  contiguous: boolean;
  completed: boolean;
  error: string | null;
}

export interface SubscribeResult extends Reply {
  /** From the first subscribe call to every subscriber having its first event. */
  attachMs: number;
  /** Delivery latencies (ms) of the events emitted after their subscriber was live. */
  latencies: number[];
  subscribers: SubscriberReport[];
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

const wsClient = (url: string): Client =>
  createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });

async function gql<T>(url: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (!body.data || body.errors?.length) throw new Error(`GraphQL: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function http(cmd: HttpCommand): Promise<HttpResult> {
  const done = new Map<string, { at: number; status: string }>();
  const waiting = new Map<string, () => void>();
  const client = wsClient(cmd.wsUrl);
  const stop = client.subscribe<{ runUpdated: { id: string; status: string } }>(
    {
      query: 'subscription ($g: ID) { runUpdated(graphId: $g) { id status } }',
      variables: { g: cmd.graphId },
    },
    {
      next: (r) => {
        const u = r.data?.runUpdated;
        if (!u || !TERMINAL.has(u.status)) return;
        done.set(u.id, { at: performance.now(), status: u.status });
        waiting.get(u.id)?.();
      },
      error: (err) => console.error('runUpdated subscription failed', err),
      complete: () => {},
    },
  );
  const finished = (id: string, timeoutMs: number) =>
    done.has(id)
      ? Promise.resolve(true)
      : new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), timeoutMs);
          waiting.set(id, () => {
            clearTimeout(timer);
            waiting.delete(id);
            resolve(true);
          });
        });
  const start = async () =>
    (
      await gql<{ startRun: { id: string } }>(
        cmd.url,
        'mutation ($g: ID!) { startRun(graphId: $g, input: {}) { id } }',
        { g: cmd.graphId },
      )
    ).startRun.id;

  // The subscription is live once a run's end reaches it; until then, probe with single runs.
  for (let attempt = 0; !(await finished(await start(), 1_000)); attempt++)
    if (attempt > 20) throw new Error('runUpdated subscription never delivered');

  const latencies: number[] = [];
  let failed = 0;
  let notSucceeded = 0;
  let firstStatus: string | null = null;
  const t0 = performance.now();
  await inFlight(cmd.runs, cmd.width, async () => {
    const sent = performance.now();
    const id = await start();
    if (await finished(id, 60_000)) {
      const end = done.get(id)!;
      latencies.push(end.at - sent);
      if (end.status !== 'SUCCEEDED') {
        notSucceeded++;
        firstStatus ??= end.status;
      }
    } else failed++;
    done.delete(id);
  });
  const ms = performance.now() - t0;
  stop();
  await client.dispose();
  return {
    type: 'result',
    ms,
    runs: cmd.runs,
    failed,
    notSucceeded,
    firstStatus,
    ...latencyPercentiles(latencies),
  };
}

async function requests(cmd: RequestsCommand): Promise<RequestsResult> {
  let failed = 0;
  const t0 = performance.now();
  await inFlight(cmd.requests, cmd.width, async () => {
    const data = await gql<{ __typename?: string }>(cmd.url, '{ __typename }', {}).catch(
      () => null,
    );
    if (data?.__typename !== 'Query') failed++;
  });
  return { type: 'result', ms: performance.now() - t0, requests: cmd.requests, failed };
}

const RUN_EVENTS = 'subscription ($r: ID!) { runEvents(runId: $r) { seq at } }';

async function subscribe(cmd: SubscribeCommand): Promise<SubscribeResult> {
  const clients = Array.from({ length: cmd.sockets }, () => wsClient(cmd.wsUrl));
  const latencies: number[] = [];
  let attached = 0;
  let allAttached: () => void = () => {};
  const attachedPromise = new Promise<void>((resolve) => {
    allAttached = resolve;
  });
  const t0 = Date.now();
  const subs = Array.from({ length: cmd.subscribers }, (_, i) => {
    const seqs: number[] = [];
    let liveSince = Number.POSITIVE_INFINITY;
    const report = { completed: false, error: null as string | null };
    const ended = new Promise<void>((resolve) => {
      clients[i % clients.length]!.subscribe<{ runEvents: { seq: number; at: string } }>(
        { query: RUN_EVENTS, variables: { r: cmd.runId } },
        {
          next: (r) => {
            const now = Date.now();
            const e = r.data?.runEvents;
            if (!e) {
              report.error = JSON.stringify(r.errors);
              return;
            }
            if (seqs.length === 0) {
              liveSince = now;
              if (++attached === cmd.subscribers) allAttached();
            }
            seqs.push(e.seq);
            const at = Date.parse(e.at);
            if (at >= liveSince) latencies.push(now - at);
          },
          error: (err) => {
            report.error = err instanceof Error ? err.message : JSON.stringify(err);
            resolve();
          },
          complete: () => {
            report.completed = true;
            resolve();
          },
        },
      );
    });
    return { seqs, report, ended };
  });
  await attachedPromise;
  const attachMs = Date.now() - t0;
  await Promise.all(subs.map((s) => s.ended));
  await Promise.all(clients.map((c) => c.dispose()));
  return {
    type: 'result',
    attachMs,
    latencies,
    subscribers: subs.map(({ seqs, report }) => {
      const distinct = new Set(seqs);
      const maxSeq = seqs.length ? Math.max(...seqs) : 0;
      let contiguous = distinct.size === maxSeq;
      for (let s = 1; contiguous && s <= maxSeq; s++) contiguous = distinct.has(s);
      return {
        received: seqs.length,
        distinct: distinct.size,
        duplicates: seqs.length - distinct.size,
        maxSeq,
        contiguous,
        ...report,
      };
    }),
  };
}

process.on('message', (raw) => {
  const m = raw as Message;
  let job: Promise<Reply>;
  if (m.type === 'http') job = http(m as HttpCommand);
  else if (m.type === 'subscribe') job = subscribe(m as SubscribeCommand);
  else if (m.type === 'requests') job = requests(m as RequestsCommand);
  else return;
  job.then(toParent, (err: unknown) =>
    toParent({ type: 'result', error: String((err as Error)?.stack ?? err) }),
  );
});
void fromParent('exit').then(() => process.exit(0));
await toParent({ type: 'ready' });
