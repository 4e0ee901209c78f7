/**
 * A replayed run (replayRun): the engine's ToolReplay port over the recorded run's events.
 * Model nodes (`llm`, `agent`) call the model again, optionally another one; everything else
 * they record as steps (the agent's tool calls, thread appends) comes back from the record, and
 * every other node's result is the recorded one, so no side effect is repeated. A call the
 * record does not have (the new answer took another path) fails with REPLAY_NOT_RECORDED.
 */
import {
  EngineError,
  type RunEvent,
  type ToolCallSite,
  type ToolContext,
  type ToolReplay,
} from '../engine/index.js';

/** The CUSTOM event a replayed run's log carries after what it copied. */
export const REPLAY_STARTED = 'REPLAY_STARTED';

export interface ReplayMarker {
  sourceRunId: string;
  /** The `model` of the run's llm and agent nodes (a name or { provider, name }). */
  model?: unknown;
  fromNode?: string;
}

/** Tools whose calls are made again in a replay: they call a model. */
export const MODEL_TOOLS: ReadonlySet<string> = new Set(['llm', 'agent']);

/** The replay a run's log asks for, if it is a replayed run. */
export function replayMarkerOf(history: readonly RunEvent[]): ReplayMarker | undefined {
  for (const e of history) {
    if (e.type === 'CUSTOM' && e.data.name === REPLAY_STARTED)
      return e.data.payload as ReplayMarker;
  }
  return undefined;
}

interface Recording {
  /** `<node>:<iteration>` -> the NODE_SUCCEEDED patch. */
  results: Map<string, unknown>;
  /** `<node>:<iteration>:<index>` -> the map item's result. */
  items: Map<string, unknown>;
  /** `<node>:<iteration>:<n>:<name>` -> the step's result. */
  steps: Map<string, unknown>;
}

function record(events: readonly RunEvent[]): Recording {
  const rec: Recording = { results: new Map(), items: new Map(), steps: new Map() };
  for (const e of events) {
    if (e.type === 'NODE_SUCCEEDED')
      rec.results.set(`${e.nodeId}:${e.data.iteration}`, e.data.patch);
    else if (e.type === 'MAP_ITEM_SUCCEEDED')
      rec.items.set(`${e.nodeId}:${e.data.iteration}:${e.data.index}`, e.data.result);
    else if (e.type === 'STEP_COMPLETED')
      rec.steps.set(`${e.nodeId}:${e.data.iteration}:${e.data.n}:${e.data.name}`, e.data.result);
  }
  return rec;
}

/** The tool result that `output` placed as `patch` (its inverse; no `output`: the patch). */
export function resultOf(patch: unknown, output: ToolCallSite['output']): unknown {
  if (output === undefined) return patch;
  const placed = (patch ?? {}) as Record<string, unknown>;
  if (typeof output === 'string') return placed[output];
  const result: Record<string, unknown> = {};
  for (const [key, path] of Object.entries(output)) {
    if (path === '') return placed[key];
    const segments = path.split('.');
    let at = result;
    for (const seg of segments.slice(0, -1)) {
      at[seg] ??= {};
      at = at[seg] as Record<string, unknown>;
    }
    at[segments[segments.length - 1]!] = placed[key];
  }
  return result;
}

const notRecorded = (site: ToolCallSite, what: string, sourceRunId: string) =>
  new EngineError(
    'REPLAY_NOT_RECORDED',
    `${what} of node "${site.nodeId}" (iteration ${site.iteration}${site.index === undefined ? '' : `, item ${site.index}`}) has no record in run ${sourceRunId}: the replay took a path the recorded run did not`,
    site.nodeId,
  );

const isModelStep = (name: string) => name === 'model' || name.startsWith('model:');

export function createReplay(marker: ReplayMarker, load: () => Promise<RunEvent[]>): ToolReplay {
  let recording: Promise<Recording> | undefined;
  return {
    async call(site, ctx, call) {
      recording ??= load().then(record);
      const rec = await recording;
      const at = `${site.nodeId}:${site.iteration}`;
      if (MODEL_TOOLS.has(site.tool)) return call(modelContext(ctx, site, rec, marker));
      if (site.index !== undefined) {
        const key = `${at}:${site.index}`;
        if (!rec.items.has(key)) throw notRecorded(site, 'The call', marker.sourceRunId);
        return rec.items.get(key);
      }
      if (!rec.results.has(at)) throw notRecorded(site, 'The call', marker.sourceRunId);
      return resultOf(rec.results.get(at), site.output);
    },
  };
}

/**
 * A model node's context in a replay: its model calls are made (with the replay's model), its
 * other steps (tool calls, thread appends) answered from the record.
 */
function modelContext(
  ctx: ToolContext<unknown>,
  site: ToolCallSite,
  rec: Recording,
  marker: ReplayMarker,
): ToolContext<unknown> {
  const calls = new Map<string, number>();
  const step = <T>(name: string, fn: () => T | Promise<T>): Promise<T> => {
    const n = (calls.get(name) ?? 0) + 1;
    calls.set(name, n);
    if (isModelStep(name)) return ctx.step(name, fn);
    const key = `${site.nodeId}:${site.iteration}:${n}:${name}`;
    if (!rec.steps.has(key))
      return Promise.reject(notRecorded(site, `Step "${name}"`, marker.sourceRunId));
    return ctx.step(name, () => rec.steps.get(key) as T);
  };
  const config =
    marker.model === undefined
      ? ctx.config
      : { ...(ctx.config as Record<string, unknown>), model: marker.model };
  return new Proxy(ctx, {
    get(target, prop) {
      if (prop === 'step') return step;
      if (prop === 'config') return config;
      return Reflect.get(target, prop, target);
    },
  });
}
