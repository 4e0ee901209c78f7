/**
 * The context of one attempt of one map item (map-run.ts): the node attempt's context with the
 * item's own input, attempt, idempotency key and signal (aborted by the item's timeout, by the
 * map stopping, or by the node attempt's abort). Logs and custom events carry the item index;
 * steps and interrupts are the node's, named inside the item (`map:<index>/<name>`), so they are
 * recorded once per item and a person's answer comes back to the item that asked.
 */
import type { LogLevel } from '../events.js';
import type { InterruptRequest, ToolContext } from '../tool.js';
import type { AttemptContext } from './tool-context.js';

export class ItemContext {
  readonly config: unknown;
  readonly runId: string;
  readonly nodeId: string;
  readonly iteration: number;
  readonly item: { readonly index: number; readonly value: unknown };
  private readonly controller = new AbortController();
  private interrupts = 0;

  constructor(
    private readonly parent: AttemptContext,
    readonly index: number,
    value: unknown,
    readonly attempt: number,
    readonly input: Readonly<Record<string, unknown>>,
  ) {
    this.config = parent.config;
    this.runId = parent.runId;
    this.nodeId = parent.nodeId;
    this.iteration = parent.iteration;
    this.item = Object.freeze({ index, value });
  }

  get state(): ToolContext['state'] {
    return this.parent.state;
  }

  get idempotencyKey(): string {
    return `${this.parent.idempotencyKey}:${this.index}`;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get thread(): ToolContext['thread'] {
    return this.parent.thread;
  }

  get memory(): ToolContext['memory'] {
    return this.parent.memory;
  }

  abort(reason: unknown): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  log = (message: string, fields?: unknown, level: LogLevel = 'info'): void => {
    const { host, exec, token } = this.parent;
    const data =
      fields === undefined
        ? { level, message, item: this.index }
        : { level, message, fields, item: this.index };
    host.toolEvent(exec, token, 'LOG', data);
  };

  emit = (name: string, payload?: unknown): void => {
    const { host, exec, token } = this.parent;
    const data =
      payload === undefined ? { name, item: this.index } : { name, payload, item: this.index };
    host.toolEvent(exec, token, 'CUSTOM', data);
  };

  step = <T>(name: string, fn: () => T | Promise<T>): Promise<T> =>
    this.parent.step(`map:${this.index}/${name}`, fn);

  interrupt = <T = unknown>(request: InterruptRequest): Promise<T> => {
    const n = ++this.interrupts;
    const inner = request?.step;
    return this.parent.interrupt<T>({
      ...request,
      key: `map:${this.index}:${request?.key ?? n}`,
      step: `map:${this.index}${typeof inner === 'string' ? `/${inner}` : ''}`,
    });
  };

  checkBudget = (): 'ok' | 'stop' => this.parent.checkBudget();
}
