import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { ErrorInfo, RunEvent } from '../engine/index.js';
import type { RunObserver, TracedEvent } from './observer.js';

/** Parents remembered for runs created but not started yet; past this many they start over. */
const MAX_PENDING = 100_000;

interface RunSpans {
  run: Span;
  /** The open attempt span of each node (a node runs one attempt at a time). */
  nodes: Map<string, Span>;
}

const failed = (span: Span, error: ErrorInfo) => {
  span.setStatus({ code: SpanStatusCode.ERROR, message: `${error.code}: ${error.message}` });
  span.setAttribute('aef.error.code', error.code);
};

/**
 * Traces of runs through `@opentelemetry/api` (a no-op until an SDK is registered): one span per
 * run (`run <graphId>`), a child per node attempt (`node <nodeId>`), both timed by the events'
 * own timestamps. A retry ends its attempt's span in error and the next attempt opens a new one,
 * so the wait between them shows; log lines (a remote worker awaited, a tool's own lines) are
 * span events. The run span's parent is the trace context active when the run was created (the
 * `traceparent` of the startRun request), stored with the run so that a worker process executing
 * it, or one resuming it after a crash, continues the same trace (a resumed run opens a new run
 * span there, `aef.run.resumed`). Each event carries the ids of its span, so a UI can link an
 * event to its trace.
 */
export function createRunTracing(tracer: Tracer = trace.getTracer('agent-execution-framework')) {
  const parents = new Map<string, { ctx: Context; graphId: string }>();
  const runs = new Map<string, RunSpans>();

  const runSpans = (e: RunEvent): RunSpans => {
    let spans = runs.get(e.runId);
    if (spans) return spans;
    const parent = parents.get(e.runId);
    parents.delete(e.runId);
    const run = tracer.startSpan(
      parent ? `run ${parent.graphId}` : 'run',
      {
        kind: SpanKind.INTERNAL,
        startTime: e.at,
        attributes: {
          'aef.run.id': e.runId,
          ...(parent ? { 'aef.graph.id': parent.graphId } : {}),
          ...(e.type === 'RUN_STARTED' ? {} : { 'aef.run.resumed': true }),
        },
      },
      parent?.ctx ?? ROOT_CONTEXT,
    );
    spans = { run, nodes: new Map() };
    runs.set(e.runId, spans);
    return spans;
  };

  const tag = (e: RunEvent, span: Span): TracedEvent => {
    const { traceId, spanId } = span.spanContext();
    return trace.isSpanContextValid(span.spanContext()) ? { ...e, traceId, spanId } : e;
  };

  const endRun = (e: RunEvent, spans: RunSpans, error?: ErrorInfo) => {
    for (const span of spans.nodes.values()) span.end(e.at);
    if (error) failed(spans.run, error);
    else spans.run.setStatus({ code: SpanStatusCode.OK });
    spans.run.setAttribute('aef.run.status', e.type.slice(4));
    spans.run.end(e.at);
    runs.delete(e.runId);
  };

  const observer: RunObserver = {
    created(run) {
      if (parents.size >= MAX_PENDING) parents.clear();
      const ctx = context.active();
      parents.set(run.id, { ctx, graphId: run.graphId });
      // Stored with the run: the process that executes it (a worker) continues the same trace.
      const carrier: Record<string, string> = {};
      propagation.inject(ctx, carrier);
      if (carrier.traceparent) run.traceparent = carrier.traceparent;
    },
    executing(run) {
      if (parents.has(run.id) || runs.has(run.id) || !run.traceparent) return;
      if (parents.size >= MAX_PENDING) parents.clear();
      const ctx = propagation.extract(ROOT_CONTEXT, { traceparent: run.traceparent });
      parents.set(run.id, { ctx, graphId: run.graphId });
    },
    event(e) {
      const spans = runSpans(e);
      switch (e.type) {
        case 'NODE_STARTED': {
          const span = tracer.startSpan(
            `node ${e.nodeId}`,
            {
              startTime: e.at,
              attributes: {
                'aef.run.id': e.runId,
                'aef.node.id': e.nodeId,
                'aef.node.attempt': e.attempt,
                'aef.node.iteration': e.data.iteration,
              },
            },
            trace.setSpan(ROOT_CONTEXT, spans.run),
          );
          spans.nodes.get(e.nodeId)?.end(e.at);
          spans.nodes.set(e.nodeId, span);
          return tag(e, span);
        }
        case 'NODE_SUCCEEDED':
        case 'NODE_FAILED':
        case 'NODE_RETRYING': {
          const span = spans.nodes.get(e.nodeId);
          if (!span) return tag(e, spans.run);
          if (e.type === 'NODE_SUCCEEDED') span.setStatus({ code: SpanStatusCode.OK });
          else failed(span, e.data.error);
          if (e.type === 'NODE_RETRYING') span.setAttribute('aef.retry.delay_ms', e.data.delayMs);
          span.end(e.at);
          spans.nodes.delete(e.nodeId);
          return tag(e, span);
        }
        case 'NODE_SKIPPED':
          spans.run.addEvent(
            'node skipped',
            { 'aef.node.id': e.nodeId, reason: e.data.reason },
            e.at,
          );
          return tag(e, spans.run);
        case 'LOG': {
          const span = (e.nodeId && spans.nodes.get(e.nodeId)) || spans.run;
          span.addEvent(e.data.message, { level: e.data.level }, e.at);
          return tag(e, span);
        }
        case 'CUSTOM': {
          const span = (e.nodeId && spans.nodes.get(e.nodeId)) || spans.run;
          return tag(e, span);
        }
        case 'RUN_SUCCEEDED':
        case 'RUN_CANCELLED':
          endRun(e, spans);
          return tag(e, spans.run);
        case 'RUN_FAILED':
          endRun(e, spans, e.data.error);
          return tag(e, spans.run);
        default:
          return tag(e, spans.run);
      }
    },
  };
  return observer;
}
