/**
 * The context a tool's `run` receives (tool.ts). Built once per attempt and kept cheap: the
 * AbortController is created only when the tool reads `signal`, and `log` / `emit` are bound
 * only when read, so destructuring (`run({ state, log })`) works and costs nothing otherwise.
 */
import { EngineError } from '../errors.js';
import type { CustomEvent, InterruptRequestedEvent, LogEvent, MapItemEvent } from '../events.js';
import type { AttemptHandle, Execution } from '../fold/execution.js';
import { INTERRUPT_KEY_PATTERN, type InterruptRecord, interruptId, stepKey } from '../fold/memo.js';
import type { State } from '../graph.js';
import type { InterruptRequest, ToolContext, ToolServices } from '../tool.js';

export type ToolEventData = LogEvent['data'] | CustomEvent['data'];

/** What the context reports to: the live run. Calls from a finished attempt are dropped. */
export interface ToolHost {
  readonly runId: string;
  /** Records a LOG / CUSTOM event of the attempt `token` of `exec`, unless it is over. */
  toolEvent(exec: Execution, token: number, type: 'LOG' | 'CUSTOM', data: ToolEventData): void;
  /** Records STEP_COMPLETED for the attempt `token` of `exec`, unless it is over. */
  stepCompleted(exec: Execution, token: number, name: string, n: number, result: unknown): void;
  /** A step function of `exec` finished (busy went down): a waiting run may now suspend. */
  stepSettled(exec: Execution): void;
  /** Records INTERRUPT_REQUESTED (deadline from timeoutMs), unless the attempt is over. */
  interruptRequested(
    exec: Execution,
    token: number,
    data: Omit<InterruptRequestedEvent['data'], 'deadline'> & { timeoutMs?: number },
  ): void;
  /** See ToolContext.checkBudget. */
  checkBudget(exec: Execution): 'ok' | 'stop';
  /** Records a MAP_ITEM_* event of the attempt `token` of `exec`, unless it is over. */
  mapItemEvent(exec: Execution, token: number, type: MapItemEvent['type'], data: MapItemData): void;
  /** The application's services for this run's tools (thread, memory), if any. */
  readonly services?: ToolServices | undefined;
}

export type MapItemData = MapItemEvent['data'];

/**
 * A running `ctx.step` and how many interrupts asked inside it are pending. A step blocked on an
 * interrupt does not keep a waiting run in memory (an agent's tool call that asks a person is
 * such a step). Which step an interrupt is inside is said by `InterruptRequest.step`; step names
 * nest with `/` (`tool:1:2/fetch` runs inside `tool:1:2`), so its enclosing steps block too.
 * (Explicit, not AsyncLocalStorage: that would turn on promise hooks for the whole process.)
 */
export interface StepFrame {
  readonly name: string;
  blocked: number;
}

/** The frame of `name` and of the steps it nests in, those running now. */
function chainOf(running: Map<string, StepFrame> | undefined, name: string): StepFrame[] {
  const chain: StepFrame[] = [];
  if (running === undefined) return chain;
  for (let cut = name.length; cut > 0; cut = name.lastIndexOf('/', cut - 1)) {
    const frame = running.get(name.slice(0, cut));
    if (frame !== undefined) chain.push(frame);
  }
  return chain;
}

/** A step result as it is stored and replayed: a JSON copy (undefined stays undefined). */
export function asJson(value: unknown, name: string): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(value));
  } catch (err) {
    throw new EngineError(
      'TOOL_FAILED',
      `ctx.step("${name}") returned a value that is not JSON (${(err as Error).message}); return plain data`,
    );
  }
}

/** The error `ctx.interrupt` rejects with when its interrupt timed out without a default. */
export function interruptTimeout(record: InterruptRecord, nodeId: string): EngineError {
  return new EngineError(
    'INTERRUPT_TIMEOUT',
    `Interrupt ${record.id} ("${record.prompt.slice(0, 80)}") was not answered in time; answer sooner, raise timeoutMs or give a default`,
    nodeId,
    { interruptId: record.id },
  );
}

function badRequest(message: string, nodeId: string): EngineError {
  return new EngineError('INVALID_INPUT', `ctx.interrupt: ${message}`, nodeId);
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
  /** Calls so far per step name, and of interrupt, in this execution of the tool. */
  private stepCalls: Map<string, number> | undefined = undefined;
  private interruptCalls = 0;
  /** Steps running now, by name (the latest call of a name). */
  private running: Map<string, StepFrame> | undefined = undefined;
  /** `ctx.interrupt` promises waiting for their answer, by interrupt id. */
  private waiters:
    | Map<
        string,
        { resolve(value: unknown): void; reject(err: unknown): void; frames: StepFrame[] }
      >
    | undefined = undefined;

  constructor(
    readonly host: ToolHost,
    readonly exec: Execution,
    readonly token: number,
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

  get step(): ToolContext['step'] {
    return (name, fn) => this.runStep(name, fn);
  }

  get interrupt(): ToolContext['interrupt'] {
    return (request) => this.ask(request) as Promise<never>;
  }

  get checkBudget(): ToolContext['checkBudget'] {
    return () => this.host.checkBudget(this.exec);
  }

  get thread(): ToolContext['thread'] {
    return this.host.services?.thread;
  }

  get memory(): ToolContext['memory'] {
    return this.host.services?.memory;
  }

  private async runStep<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
    if (typeof name !== 'string' || name === '')
      throw new TypeError('ctx.step(name, fn) needs a non-empty name');
    this.stepCalls ??= new Map();
    const n = (this.stepCalls.get(name) ?? 0) + 1;
    this.stepCalls.set(name, n);
    const memo = this.exec.memo;
    const key = stepKey(name, n);
    if (memo?.steps.has(key)) return memo.steps.get(key) as T;
    const frame = this.openStep(name);
    try {
      const result = asJson(await fn(), name);
      this.host.stepCompleted(this.exec, this.token, name, n, result);
      return result as T;
    } finally {
      this.closeStep(frame);
    }
  }

  /** A step (or a map item) of this attempt starts running: it keeps a waiting run in memory. */
  openStep(name: string): StepFrame {
    this.exec.busy++;
    const frame: StepFrame = { name, blocked: 0 };
    this.running ??= new Map();
    this.running.set(name, frame);
    return frame;
  }

  closeStep(frame: StepFrame): void {
    const { exec, token } = this;
    if (this.running?.get(frame.name) === frame) this.running.delete(frame.name);
    // Only the current attempt's count: an aborted attempt's late steps do not hold the run.
    if (exec.token === token && exec.busy > 0) exec.busy--;
    this.host.stepSettled(exec);
  }

  /** True while this attempt is the node's current one and not aborted. */
  get current(): boolean {
    return !this.aborted && this.exec.token === this.token;
  }

  private ask(request: InterruptRequest): Promise<unknown> {
    const { exec, nodeId } = this;
    const n = ++this.interruptCalls;
    const key = request?.key;
    if (key !== undefined && (typeof key !== 'string' || !INTERRUPT_KEY_PATTERN.test(key)))
      return Promise.reject(badRequest('key must be 1-200 letters, digits or _ - . : /', nodeId));
    const id = interruptId(nodeId, this.iteration, key ?? n);
    if (request?.step !== undefined && typeof request.step !== 'string')
      return Promise.reject(badRequest('step must be the name of the enclosing ctx.step', nodeId));
    const frames = request?.step === undefined ? [] : chainOf(this.running, request.step);
    if (this.waiters?.has(id))
      return Promise.reject(
        badRequest(`interrupt ${id} was already asked in this execution`, nodeId),
      );
    const known = exec.memo?.interrupts.get(id);
    if (known?.status === 'ANSWERED') return Promise.resolve(known.value);
    if (known?.status === 'TIMED_OUT') {
      return known.hasDefault
        ? Promise.resolve(known.value)
        : Promise.reject(interruptTimeout(known, nodeId));
    }
    if (known === undefined) {
      if (typeof request?.prompt !== 'string')
        return Promise.reject(badRequest('prompt must be a string', nodeId));
      const schema = request.schema;
      if (schema === null || typeof schema !== 'object' || Array.isArray(schema))
        return Promise.reject(badRequest('schema must be a JSON Schema object', nodeId));
      const { timeoutMs } = request;
      if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0))
        return Promise.reject(badRequest('timeoutMs must be a positive number', nodeId));
      const hasDefault = request.default !== undefined;
      this.block(frames, 1);
      this.host.interruptRequested(exec, this.token, {
        iteration: this.iteration,
        id,
        prompt: request.prompt,
        schema,
        hasDefault,
        ...(hasDefault ? { default: request.default } : {}),
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      });
    } else {
      // Asked again after a resume, still pending: the node waits; the run may suspend.
      this.block(frames, 1);
      this.host.stepSettled(exec);
    }
    return new Promise((resolve, reject) => {
      this.waiters ??= new Map();
      this.waiters.set(id, { resolve, reject, frames });
    });
  }

  /** Marks the steps around an interrupt blocked (+1) or running again (-1). */
  private block(frames: readonly StepFrame[], delta: 1 | -1): void {
    const exec = this.exec;
    if (exec.token !== this.token) return;
    for (const f of frames) {
      const before = f.blocked;
      f.blocked += delta;
      if (before === 0 && f.blocked > 0) exec.blocked++;
      else if (before > 0 && f.blocked === 0) exec.blocked--;
    }
  }

  deliver(record: InterruptRecord): void {
    const waiter = this.waiters?.get(record.id);
    if (waiter === undefined) return;
    this.waiters?.delete(record.id);
    this.block(waiter.frames, -1);
    if (record.status === 'ANSWERED' || record.hasDefault) waiter.resolve(record.value);
    else waiter.reject(interruptTimeout(record, this.nodeId));
  }

  /** Aborts the attempt's signal (now, or when the tool first reads it). */
  abort(reason: unknown): void {
    this.waiters = undefined;
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
