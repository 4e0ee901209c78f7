/**
 * The context a tool's `run` receives (tool.ts). Built once per attempt and kept cheap: the
 * AbortController is created only when the tool reads `signal`, and `log` / `emit` are bound
 * only when read, so destructuring (`run({ state, log })`) works and costs nothing otherwise.
 */
import type { CustomEvent, LogEvent } from '../events.js';
import type { AttemptHandle, Execution } from '../fold/execution.js';
import type { State } from '../graph.js';
import type { ToolContext } from '../tool.js';

export type ToolEventData = LogEvent['data'] | CustomEvent['data'];

/** What the context reports to: the live run. Calls from a finished attempt are dropped. */
export interface ToolHost {
  readonly runId: string;
  /** Records a LOG / CUSTOM event of the attempt `token` of `exec`, unless it is over. */
  toolEvent(exec: Execution, token: number, type: 'LOG' | 'CUSTOM', data: ToolEventData): void;
}

export class AttemptContext implements AttemptHandle {
  readonly config: unknown;
  readonly attempt: number;
  readonly iteration: number;
  readonly runId: string;
  readonly nodeId: string;
  private controller: AbortController | undefined = undefined;
  private aborted = false;
  private reason: unknown = undefined;
  private logFn: ToolContext['log'] | undefined = undefined;
  private emitFn: ToolContext['emit'] | undefined = undefined;

  constructor(
    private readonly host: ToolHost,
    private readonly exec: Execution,
    private readonly token: number,
    /** The run's state when the attempt started. */
    readonly state: Readonly<State>,
    /** The node's evaluated `inputs`. */
    readonly input: Readonly<Record<string, unknown>>,
  ) {
    this.config = exec.node.config;
    this.attempt = exec.attempt;
    this.iteration = exec.iteration;
    this.runId = host.runId;
    this.nodeId = exec.node.id;
  }

  get idempotencyKey(): string {
    return `${this.runId}:${this.nodeId}:${this.iteration}`;
  }

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  get log(): ToolContext['log'] {
    if (this.logFn === undefined) {
      const { host, exec, token } = this;
      this.logFn = (message, fields, level = 'info') => {
        const data = fields === undefined ? { level, message } : { level, message, fields };
        host.toolEvent(exec, token, 'LOG', data);
      };
    }
    return this.logFn;
  }

  get emit(): ToolContext['emit'] {
    if (this.emitFn === undefined) {
      const { host, exec, token } = this;
      this.emitFn = (name, payload) => {
        host.toolEvent(exec, token, 'CUSTOM', payload === undefined ? { name } : { name, payload });
      };
    }
    return this.emitFn;
  }

  /** Aborts the attempt's signal (now, or when the tool first reads it). */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
  }
}

/** The context as the tool sees it. */
export function asToolContext(ctx: AttemptContext): ToolContext<unknown> {
  return ctx as unknown as ToolContext<unknown>;
}
