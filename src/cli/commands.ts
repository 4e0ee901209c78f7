import type { GraphDef } from '../engine/index.js';
import { type ApiClient, CliError } from './client.js';
import { canonical, readGraphFile, toGraphInput } from './graph-files.js';

/** Where the CLI writes: results to `out` (stdout), progress to `err` (stderr). */
export interface Io {
  out(line: string): void;
  err(line: string): void;
}

interface EventLine {
  runId: string;
  seq: number;
  type: string;
  nodeId: string | null;
  attempt: number | null;
  at: string;
  data: unknown;
}

const EVENT_FIELDS = 'runId seq type nodeId attempt at data traceId spanId';
const EVENTS_SUBSCRIPTION = `subscription($id: ID!, $after: Int) {
  runEvents(runId: $id, afterSeq: $after) { ${EVENT_FIELDS} }
}`;
const RUN_FIELDS = 'id status graph { id name } createdAt finishedAt error { code message nodeId }';

type Outcome = 'created' | 'updated' | 'unchanged';

/** Creates each graph of the files, or saves a new version only when its definition changed. */
export async function apply(api: ApiClient, io: Io, files: string[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const file of files) {
    for (const def of readGraphFile(file)) {
      const outcome = await applyOne(api, def);
      io.out(`${outcome.outcome} ${def.name} (${outcome.id}, version ${outcome.version})`);
      outcomes.push(outcome.outcome);
    }
  }
  return outcomes;
}

async function applyOne(api: ApiClient, def: GraphDef) {
  const { graphByName: current } = await api.request<{
    graphByName: { id: string; latestVersion: number; definition: unknown } | null;
  }>('query($name: String!) { graphByName(name: $name) { id latestVersion definition } }', {
    name: def.name,
  });
  const input = toGraphInput(def);
  if (!current) {
    const { createGraph } = await api.request<{
      createGraph: { id: string; latestVersion: number };
    }>('mutation($input: GraphInput!) { createGraph(input: $input) { id latestVersion } }', {
      input,
    });
    return { outcome: 'created' as const, id: createGraph.id, version: createGraph.latestVersion };
  }
  // JSON round trip: what the server stored has no undefined fields either.
  if (canonical(current.definition) === canonical(JSON.parse(JSON.stringify(def))))
    return { outcome: 'unchanged' as const, id: current.id, version: current.latestVersion };
  const { updateGraph } = await api.request<{ updateGraph: { id: string; latestVersion: number } }>(
    'mutation($id: ID!, $input: GraphInput!) { updateGraph(id: $id, input: $input) { id latestVersion } }',
    { id: current.id, input },
  );
  return { outcome: 'updated' as const, id: updateGraph.id, version: updateGraph.latestVersion };
}

/** A graph by id or name. */
async function graphId(api: ApiClient, graph: string): Promise<string> {
  const { graphByName } = await api.request<{ graphByName: { id: string } | null }>(
    'query($name: String!) { graphByName(name: $name) { id } }',
    { name: graph },
  );
  return graphByName?.id ?? graph;
}

export async function start(
  api: ApiClient,
  graph: string,
  input: unknown,
  idempotencyKey?: string,
): Promise<{ id: string; status: string }> {
  const { startRun } = await api.request<{ startRun: { id: string; status: string } }>(
    `mutation($g: ID!, $input: JSON, $key: String) {
      startRun(graphId: $g, input: $input, idempotencyKey: $key) { id status }
    }`,
    { g: await graphId(api, graph), input, key: idempotencyKey ?? null },
  );
  return startRun;
}

const TERMINAL = new Set(['RUN_SUCCEEDED', 'RUN_FAILED', 'RUN_CANCELLED']);

/** One readable progress line per event (the `run --follow` display). */
export function progressLine(e: EventLine): string {
  const node = e.nodeId
    ? ` ${e.nodeId}${e.attempt && e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`
    : '';
  const data = e.data as Record<string, unknown> | null;
  const error = data?.error as { code?: string; message?: string } | undefined;
  const detail =
    e.type === 'LOG'
      ? ` ${String(data?.message ?? '')}`
      : e.type === 'NODE_SUCCEEDED'
        ? ` ${data?.durationMs ?? '?'} ms`
        : e.type === 'NODE_RETRYING'
          ? ` ${error?.code}: ${error?.message}; retry in ${data?.delayMs} ms`
          : error
            ? ` ${error.code}: ${error.message}`
            : '';
  return `${String(e.seq).padStart(4)} ${e.type.padEnd(14)}${node}${detail}`;
}

/**
 * Follows a run's events until it ends: JSON lines on stdout (`json`), or a progress display on
 * stderr and the final state on stdout. Resolves with the final event type.
 */
export async function follow(api: ApiClient, io: Io, runId: string, json: boolean, afterSeq = 0) {
  let last: EventLine | undefined;
  await api.subscribe<{ runEvents: EventLine }>(
    EVENTS_SUBSCRIPTION,
    { id: runId, after: afterSeq },
    (d) => {
      last = d.runEvents;
      if (json) io.out(JSON.stringify(d.runEvents));
      else io.err(progressLine(d.runEvents));
    },
  );
  if (!last || !TERMINAL.has(last.type))
    throw new CliError(`the event stream of ${runId} ended before the run did`);
  if (!json) io.out(JSON.stringify((last.data as { state?: unknown }).state ?? null, null, 2));
  return last.type;
}

export async function list(
  api: ApiClient,
  io: Io,
  opts: { graph?: string | undefined; status?: string | undefined; first: number },
): Promise<void> {
  const { runs } = await api.request<{
    runs: {
      edges: Array<{
        node: {
          id: string;
          status: string;
          graph: { name: string };
          createdAt: string;
          finishedAt: string | null;
        };
      }>;
    };
  }>(
    `query($g: ID, $s: RunStatus, $n: Int) { runs(graphId: $g, status: $s, first: $n) { edges { node { ${RUN_FIELDS} } } } }`,
    {
      g: opts.graph ? await graphId(api, opts.graph) : null,
      s: opts.status ? opts.status.toUpperCase() : null,
      n: opts.first,
    },
  );
  for (const { node } of runs.edges)
    io.out(
      `${node.id}  ${node.status.padEnd(9)}  ${node.graph.name}  ${node.createdAt}${node.finishedAt ? `  ${node.finishedAt}` : ''}`,
    );
}

/** Lists a run's pending questions, or answers one (`value` as JSON) with resumeRun. */
export async function answer(
  api: ApiClient,
  io: Io,
  runId: string,
  interruptId?: string,
  value?: unknown,
): Promise<void> {
  if (interruptId === undefined) {
    const { run } = await api.request<{
      run: {
        status: string;
        interrupts: Array<{ id: string; status: string; prompt: string; schema: unknown }>;
      } | null;
    }>('query($id: ID!) { run(id: $id) { status interrupts { id status prompt schema } } }', {
      id: runId,
    });
    if (!run) throw new CliError(`run ${runId} not found`, 'NOT_FOUND');
    for (const i of run.interrupts.filter((x) => x.status === 'PENDING'))
      io.out(`${i.id}  ${i.prompt.replaceAll('\n', ' ')}  ${JSON.stringify(i.schema)}`);
    return;
  }
  const { resumeRun } = await api.request<{ resumeRun: { id: string; status: string } }>(
    'mutation($r: ID!, $i: ID!, $v: JSON!) { resumeRun(runId: $r, interruptId: $i, value: $v) { id status } }',
    { r: runId, i: interruptId, v: value },
  );
  io.out(`${resumeRun.id} ${resumeRun.status}`);
}

export async function cancel(api: ApiClient, io: Io, runId: string): Promise<void> {
  const { cancelRun } = await api.request<{ cancelRun: { id: string; status: string } }>(
    'mutation($id: ID!) { cancelRun(id: $id) { id status } }',
    { id: runId },
  );
  io.out(`${cancelRun.id} ${cancelRun.status}`);
}
