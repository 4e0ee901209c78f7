/**
 * A small GraphQL-over-HTTP client for e2e tests (real fetch to a real socket), and the queries
 * the e2e suites share: create a graph, start a run, read a run and its stored event log.
 */
export interface GqlError {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: Record<string, unknown>;
}

export interface GqlResult<T> {
  data?: T | null;
  errors?: GqlError[];
}

export async function gql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GqlResult<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GqlResult<T>;
}

/** Like gql, but throws on GraphQL errors and returns data. */
export async function gqlOk<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  const res = await gql<T>(url, query, variables);
  if (res.errors?.length || !res.data) {
    throw new Error(`GraphQL errors from ${url}: ${JSON.stringify(res.errors ?? res)}`);
  }
  return res.data;
}

export type RunStatus = 'QUEUED' | 'RUNNING' | 'WAITING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
export const TERMINAL_STATUSES: ReadonlySet<RunStatus> = new Set([
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
]);
export const TERMINAL_EVENTS: ReadonlySet<string> = new Set([
  'RUN_SUCCEEDED',
  'RUN_FAILED',
  'RUN_CANCELLED',
]);

/** The fields of a run event every e2e comparison uses. */
export interface EventView {
  seq: number;
  type: string;
  nodeId: string | null;
  attempt: number | null;
  data: unknown;
}

export const EVENT_FIELDS = 'seq type nodeId attempt data';

export interface RunView {
  id: string;
  status: RunStatus;
  lastSeq: number;
  state: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
}

const RUN_FIELDS = 'id status lastSeq state error { code message }';

export async function createGraph(url: string, input: Record<string, unknown>): Promise<string> {
  const data = await gqlOk<{ createGraph: { id: string } }>(
    url,
    'mutation ($input: GraphInput!) { createGraph(input: $input) { id } }',
    { input },
  );
  return data.createGraph.id;
}

export async function startRun(
  url: string,
  graphId: string,
  input: Record<string, unknown> = {},
): Promise<{ id: string; status: RunStatus }> {
  const data = await gqlOk<{ startRun: { id: string; status: RunStatus } }>(
    url,
    'mutation ($graphId: ID!, $input: JSON) { startRun(graphId: $graphId, input: $input) { id status } }',
    { graphId, input },
  );
  return data.startRun;
}

export async function getRun(url: string, id: string): Promise<RunView> {
  const data = await gqlOk<{ run: RunView | null }>(
    url,
    `query ($id: ID!) { run(id: $id) { ${RUN_FIELDS} } }`,
    { id },
  );
  if (!data.run) throw new Error(`run ${id} not found at ${url}`);
  return data.run;
}

/** The stored event log of a run through the `run { events }` connection, every page. */
export async function storedEvents(url: string, runId: string): Promise<EventView[]> {
  const events: EventView[] = [];
  for (;;) {
    const data = await gqlOk<{
      run: { events: { edges: Array<{ node: EventView }>; pageInfo: { hasNextPage: boolean } } };
    }>(
      url,
      `query ($id: ID!, $after: Int) { run(id: $id) { events(first: 500, afterSeq: $after) {
        edges { node { ${EVENT_FIELDS} } } pageInfo { hasNextPage } } } }`,
      { id: runId, after: events.at(-1)?.seq ?? 0 },
    );
    events.push(...data.run.events.edges.map((e) => e.node));
    if (!data.run.events.pageInfo.hasNextPage) return events;
  }
}

/** Polls `check` until it returns a value (not undefined); throws after `timeoutMs`. */
export async function poll<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Rejects if `promise` has not settled within `ms`: for "does not hang", not for speed. */
export function within<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/** Polls the run until its status is terminal; returns it. */
export function waitForFinished(url: string, runId: string, timeoutMs = 60_000): Promise<RunView> {
  return poll(
    `run ${runId} to finish`,
    async () => {
      const run = await getRun(url, runId);
      return TERMINAL_STATUSES.has(run.status) ? run : undefined;
    },
    timeoutMs,
  );
}

/** Cancels a run that is still active (so a test leaves nothing running behind). */
export async function cancelRunIfActive(url: string, runId: string): Promise<RunView> {
  const run = await getRun(url, runId);
  if (TERMINAL_STATUSES.has(run.status)) return run;
  const data = await gqlOk<{ cancelRun: RunView }>(
    url,
    `mutation ($id: ID!) { cancelRun(id: $id) { ${RUN_FIELDS} } }`,
    { id: runId },
  );
  return data.cancelRun;
}

/**
 * Polls the stored logs of several runs in one request each time, until every run has at least
 * `minSucceeded` NODE_SUCCEEDED events; returns the logs (each one a prefix of the run's log).
 */
export function whenAllProgressed(
  url: string,
  runIds: readonly string[],
  minSucceeded: number,
  timeoutMs = 60_000,
): Promise<Map<string, EventView[]>> {
  const fields = runIds
    .map(
      (id, i) =>
        `r${i}: run(id: ${JSON.stringify(id)}) { events(first: 1000) { edges { node { ${EVENT_FIELDS} } } } }`,
    )
    .join('\n');
  type Page = { events: { edges: Array<{ node: EventView }> } } | null;
  return poll(
    `${runIds.length} runs to have ${minSucceeded} nodes succeeded`,
    async () => {
      const data = await gqlOk<Record<string, Page>>(url, `{ ${fields} }`);
      const logs = new Map<string, EventView[]>();
      for (const [i, id] of runIds.entries()) {
        const events = data[`r${i}`]?.events.edges.map((e) => e.node) ?? [];
        if (events.filter((e) => e.type === 'NODE_SUCCEEDED').length < minSucceeded)
          return undefined;
        logs.set(id, events);
      }
      return logs;
    },
    timeoutMs,
    20,
  );
}
