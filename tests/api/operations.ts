/**
 * Shared pieces of the API suite: GraphQL operations, the result shapes they return, calls and
 * assertions, and the per-backend loop every file runs in. Graph definitions (the shared
 * scenario fixtures with built-in tools) are in graphs.ts, re-exported here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphDef } from '../../src/engine/graph.js';
import { createTestApp, type GqlResult, type TestApp, waitUntil } from '../helpers/app.js';
import { type Backend, backends } from '../helpers/databases.js';
import { toGraphInput } from './graphs.js';

export * from './graphs.js';

// ---------------------------------------------------------------------------------------------
// Operations

const GRAPH_FIELDS = `id name description latestVersion definition createdAt updatedAt
  versions { id version definition createdAt }`;

export const CREATE_GRAPH = `mutation CreateGraph($input: GraphInput!) {
  createGraph(input: $input) { ${GRAPH_FIELDS} }
}`;

export const UPDATE_GRAPH = `mutation UpdateGraph($id: ID!, $input: GraphInput!) {
  updateGraph(id: $id, input: $input) { ${GRAPH_FIELDS} }
}`;

export const DELETE_GRAPH = `mutation DeleteGraph($id: ID!) { deleteGraph(id: $id) }`;

export const GRAPH = `query Graph($id: ID!) { graph(id: $id) { ${GRAPH_FIELDS} } }`;

export const GRAPH_BY_NAME = `query GraphByName($name: String!) {
  graphByName(name: $name) { ${GRAPH_FIELDS} }
}`;

export const GRAPHS = `query Graphs($first: Int, $after: String) {
  graphs(first: $first, after: $after) {
    edges { cursor node { id name } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const RUN_FIELDS = `id status graphVersion input state lastSeq createdAt startedAt finishedAt
  graph { id name }
  error { code message nodeId details }
  nodes { nodeId iteration status attempts startedAt finishedAt durationMs error { code message nodeId } }`;

export const START_RUN = `mutation StartRun($graphId: ID!, $input: JSON) {
  startRun(graphId: $graphId, input: $input) { id status graphVersion input createdAt finishedAt }
}`;

export const CANCEL_RUN = `mutation CancelRun($id: ID!) { cancelRun(id: $id) { ${RUN_FIELDS} } }`;

export const RUN = `query Run($id: ID!) {
  run(id: $id) {
    ${RUN_FIELDS}
    events(first: 1000) { edges { node { seq type nodeId attempt at data } } }
  }
}`;

export const RUN_STATUS = `query RunStatus($id: ID!) { run(id: $id) { id status lastSeq } }`;

export const RUN_EVENTS = `query RunEvents($id: ID!, $first: Int, $after: String, $afterSeq: Int) {
  run(id: $id) {
    events(first: $first, after: $after, afterSeq: $afterSeq) {
      edges { cursor node { runId seq type nodeId attempt at data } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

export const RUNS = `query Runs($graphId: ID, $status: RunStatus, $first: Int, $after: String) {
  runs(graphId: $graphId, status: $status, first: $first, after: $after) {
    edges { cursor node { id status createdAt graph { id } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const HEALTH = `{ health { ok version database uptimeSeconds activeRuns queuedRuns } }`;

export const TOOLS = `{ tools { name description configSchema } }`;

// ---------------------------------------------------------------------------------------------
// Result shapes

export interface GraphData {
  id: string;
  name: string;
  description: string | null;
  latestVersion: number;
  definition: GraphDef;
  createdAt: string;
  updatedAt: string;
  versions: Array<{ id: string; version: number; definition: GraphDef; createdAt: string }>;
}

export type RunStatus =
  | 'QUEUED'
  | 'RUNNING'
  | 'WAITING'
  | 'PAUSED'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'CANCELLED';

export interface RunErrorData {
  code: string;
  message: string;
  nodeId: string | null;
  details?: unknown;
}

export interface NodeData {
  nodeId: string;
  iteration: number;
  status: 'RUNNING' | 'RETRYING' | 'SUCCEEDED' | 'FAILED' | 'SKIPPED';
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  error: RunErrorData | null;
}

export interface EventData {
  runId?: string;
  seq: number;
  type: string;
  nodeId: string | null;
  attempt: number | null;
  at: string;
  data: Record<string, unknown>;
}

export interface RunData {
  id: string;
  status: RunStatus;
  graphVersion: number;
  input: Record<string, unknown>;
  state: Record<string, unknown> | null;
  lastSeq: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  graph: { id: string; name: string };
  error: RunErrorData | null;
  nodes: NodeData[];
  events: { edges: Array<{ node: EventData }> };
}

export interface Page<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

type GqlError = NonNullable<GqlResult['errors']>[number];

// ---------------------------------------------------------------------------------------------
// Calls

export async function createGraph(t: TestApp, def: GraphDef): Promise<GraphData> {
  const data = await t.ok<{ createGraph: GraphData }>(CREATE_GRAPH, { input: toGraphInput(def) });
  return data.createGraph;
}

export async function startRun(
  t: TestApp,
  graphId: string,
  input?: unknown,
): Promise<{ id: string; status: RunStatus; graphVersion: number; finishedAt: string | null }> {
  const data = await t.ok<{ startRun: RunData }>(START_RUN, { graphId, input });
  return data.startRun;
}

export async function getRun(t: TestApp, id: string): Promise<RunData> {
  const data = await t.ok<{ run: RunData | null }>(RUN, { id });
  if (!data.run) throw new Error(`run ${id} not found`);
  return data.run;
}

export const TERMINAL: readonly RunStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

/** Polls the run until its status is one of `statuses` (default: any terminal one). */
export async function waitForRun(
  t: TestApp,
  id: string,
  statuses: readonly RunStatus[] = TERMINAL,
): Promise<RunData> {
  await waitUntil(async () => {
    const data = await t.ok<{ run: { status: RunStatus } | null }>(RUN_STATUS, { id });
    return data.run && statuses.includes(data.run.status) ? true : undefined;
  });
  return getRun(t, id);
}

/** Starts a run of `graphId` and waits for its end. */
export async function runToEnd(t: TestApp, graphId: string, input?: unknown): Promise<RunData> {
  const run = await startRun(t, graphId, input);
  return waitForRun(t, run.id);
}

/** Event types of a run in seq order. */
export const typesOf = (run: RunData) => run.events.edges.map((e) => e.node.type);

/** Walks a connection with `first: size` pages; returns every node in order. */
export async function walkPages<T>(
  fetchPage: (after: string | null) => Promise<Page<T>>,
): Promise<{ nodes: T[]; pages: number }> {
  const nodes: T[] = [];
  let after: string | null = null;
  for (let pages = 1; pages < 1_000; pages++) {
    const page = await fetchPage(after);
    nodes.push(...page.edges.map((e) => e.node));
    if (!page.pageInfo.hasNextPage) return { nodes, pages };
    expect(page.pageInfo.endCursor).toBeTruthy();
    after = page.pageInfo.endCursor;
  }
  throw new Error('connection did not end');
}

// ---------------------------------------------------------------------------------------------
// Assertions

/**
 * The response failed with exactly one error carrying `code`, no data for the failed field and
 * no stack trace anywhere; returns the error.
 */
export function expectError(res: GqlResult<unknown>, code: string): GqlError {
  expect(res.errors, JSON.stringify(res)).toHaveLength(1);
  const error = res.errors?.[0] as GqlError;
  expect(error.extensions?.code, error.message).toBe(code);
  expectNoStack(res);
  return error;
}

/** No stack trace leaked: no `stack` extension, no "    at fn (file:line)" frame. */
export function expectNoStack(res: unknown): void {
  const text = JSON.stringify(res);
  expect(text).not.toContain('"stack"');
  expect(text).not.toMatch(/\s+at .+\.(ts|js):\d+/);
}

// ---------------------------------------------------------------------------------------------
// Backends

/**
 * One `describe` per backend (SQLite always, PostgreSQL when reachable, else skipped with the
 * reason), sharing one app per block: `api()` returns it inside tests and hooks. The app starts
 * without the example graphs unless `env` says SEED_EXAMPLES: 'true'.
 */
export async function describeBackends(
  title: string,
  body: (api: () => TestApp, backend: Backend) => void,
  env: Record<string, string> = {},
): Promise<void> {
  for (const { name, skip } of await backends()) {
    describe(`${title} (${name})`, () => {
      if (skip) {
        console.warn(skip);
        it.skip(skip, () => {});
        return;
      }
      let app: TestApp | undefined;
      beforeAll(async () => {
        app = await createTestApp({ backend: name, env: { SEED_EXAMPLES: 'false', ...env } });
      });
      afterAll(async () => {
        await app?.close();
      });
      body(() => {
        if (!app) throw new Error('the test app did not start');
        return app;
      }, name);
    });
  }
}
