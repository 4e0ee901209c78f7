import type { LogLevel } from './events.js';
import type { Patch, State } from './graph.js';

/** What a tool's `run` receives. */
export interface ToolContext<C = unknown> {
  /** The run's state when the node started. Read-only: return a patch instead. */
  readonly state: Readonly<State>;
  /** The node's config, parsed (defaults applied) by the tool's schema. */
  readonly config: C;
  /**
   * The node's `inputs`, evaluated against `state` when the attempt started (parsed by the
   * tool's `input` schema when it has one); `{}` when the node declares none.
   */
  readonly input: Readonly<Record<string, unknown>>;
  /** Aborted on timeout or cancellation; pass it to fetch, timers and child work. */
  readonly signal: AbortSignal;
  /** 1-based attempt of this activation. */
  readonly attempt: number;
  /** How many times this node has run in this run, this one included (1-based). */
  readonly iteration: number;
  readonly runId: string;
  readonly nodeId: string;
  /**
   * `${runId}:${nodeId}:${iteration}`: the same across retries and resumes of one activation
   * (a map item's: `…:${iteration}:${index}`).
   */
  readonly idempotencyKey: string;
  /** In a map node: the item this call is for, and its position in the list. */
  readonly item?: { readonly index: number; readonly value: unknown };
  /** Becomes a LOG event. */
  log(message: string, fields?: unknown, level?: LogLevel): void;
  /** Becomes a CUSTOM event, streamed to subscribers (progress, partial output...). */
  emit(name: string, payload?: unknown): void;
  /**
   * A recorded step: the first time, runs `fn` and records its result (JSON: what it returns is
   * a JSON copy) as a STEP_COMPLETED event; when this activation runs again (after a crash, an
   * answered interrupt, a cancel-and-resume or a retry) it returns the recorded result without
   * calling `fn`. The n-th call of a name in one execution has its own record, so call steps in
   * a deterministic order. A failure of `fn` is not recorded and propagates.
   */
  step<T>(name: string, fn: () => T | Promise<T>): Promise<T>;
  /**
   * Asks a person: records an interrupt (INTERRUPT_REQUESTED) and resolves with the answer given
   * by `resumeRun`, validated against `schema`. While nothing else can run the run is WAITING and
   * leaves memory; the node then runs again and its recorded steps and answers come back from
   * the log. After `timeoutMs` it resolves with `default`, or fails the node
   * (INTERRUPT_TIMEOUT) when there is none.
   */
  interrupt<T = unknown>(request: InterruptRequest): Promise<T>;
  /**
   * Checks the run's budget before spending (a model call): 'ok', or 'stop' when a budget is
   * spent and the run says `onBudget: "stop"` (finish with what you have); throws
   * EngineError('BUDGET_EXCEEDED') naming the budget otherwise.
   */
  checkBudget(): 'ok' | 'stop';
  /**
   * The run's thread (its conversation's message history), when the application provides
   * threads; `history` and `append` do nothing useful on a run started without a threadId.
   */
  readonly thread?: ToolThread;
  /**
   * A small key-value memory, per thread (the default scope) or per tenant, stored by the
   * application. Reads are not recorded: wrap one in `ctx.step` when a resumed node must see
   * the value it saw the first time.
   */
  readonly memory?: ToolMemory;
}

/** One message of a thread. */
export interface ThreadMessage {
  /** 1, 2, ... in the thread. */
  seq: number;
  role: 'user' | 'assistant';
  content: string;
}

/** Port: the run's thread, implemented by the application layer (src/threads). */
export interface ToolThread {
  /** The thread id, or null when the run was started without one. */
  id(): Promise<string | null>;
  /**
   * The last `window` messages (oldest first) the run sees: those appended before it started
   * (a resumed, forked or retried run sees the same ones). `[]` without a thread.
   */
  history(window: number): Promise<ThreadMessage[]>;
  /**
   * Appends messages to the thread, once per `key` (an append made again, by a node run again
   * after a crash, stores nothing). False without a thread.
   */
  append(
    key: string,
    messages: ReadonlyArray<{ role: 'user' | 'assistant'; content: string }>,
    nodeId?: string,
  ): Promise<boolean>;
}

/** Where a memory entry lives: the run's thread, or its tenant (every thread and run). */
export type MemoryScope = 'thread' | 'tenant';

/** One memory entry. */
export interface MemoryEntry {
  key: string;
  value: unknown;
  updatedAt: Date;
}

/**
 * Port: the run's key-value memory, implemented by the application layer. Values are JSON,
 * bounded by the server's MAX_VALUE_BYTES (VALUE_TOO_LARGE). Scope `thread` (default) on a run
 * without a thread throws NO_THREAD.
 */
export interface ToolMemory {
  get(key: string, scope?: MemoryScope): Promise<unknown>;
  set(key: string, value: unknown, scope?: MemoryScope): Promise<void>;
  delete(key: string, scope?: MemoryScope): Promise<boolean>;
  list(scope?: MemoryScope): Promise<MemoryEntry[]>;
}

/** What the application gives a run's tools beside the engine's own context. */
export interface ToolServices {
  thread?: ToolThread;
  memory?: ToolMemory;
  /** Set on a replayed run (replayRun): every tool call of the run goes through it. */
  replay?: ToolReplay;
}

/** Where a tool call is in its run: the node, its tool, the activation and the map item. */
export interface ToolCallSite {
  readonly nodeId: string;
  readonly tool: string;
  readonly iteration: number;
  /** The map item, on a map node. */
  readonly index?: number;
  /** The node's `output`: a recorded patch placed by it is turned back into the tool's result. */
  readonly output: string | Record<string, string> | undefined;
}

/**
 * Port of a replayed run (the application's, src/runs/replay.ts): answers a tool call from the
 * recorded run (no side effect repeated), or calls the tool for real through `call` (a model
 * node, possibly with another model), or fails the call when the record has none.
 */
export interface ToolReplay {
  call(
    site: ToolCallSite,
    ctx: ToolContext<unknown>,
    call: (ctx: ToolContext<unknown>) => unknown,
  ): Promise<unknown>;
}

/** What `ctx.interrupt` asks. */
export interface InterruptRequest {
  /** Shown to the person (already rendered). */
  prompt: string;
  /** JSON Schema of the answer (`{ "type": "object", ... }`); a UI renders its form from it. */
  schema: Record<string, unknown>;
  /** After this long without an answer: continue with `default` when given, else fail. */
  timeoutMs?: number;
  /** The answer a timeout continues with (any JSON value; `undefined` means none). */
  default?: unknown;
  /**
   * A stable name of this interrupt within the node execution (letters, digits, `_ - . : /`);
   * default: its call order (1, 2...). Give one when interrupts are asked concurrently from code
   * whose order may change between runs. The interrupt id is `<nodeId>:<iteration>:<key>`.
   */
  key?: string;
  /**
   * The name of the `ctx.step` this interrupt is asked inside, if any (steps nest with `/`):
   * that step, waiting for the answer, then does not keep the run in memory. Without it, a step
   * still running keeps the run live until it ends. The agent's tool calls set it.
   */
  step?: string;
}

/**
 * A minimal schema port (zod satisfies it): the engine parses node config through it without
 * depending on a schema library.
 */
export interface ConfigSchema<C> {
  safeParse(value: unknown):
    | { success: true; data: C }
    | {
        success: false;
        error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> };
      };
}

export interface Tool<C = unknown> {
  readonly name: string;
  readonly description: string;
  readonly config: ConfigSchema<C>;
  /** Optional schema of `ctx.input` (the node's evaluated `inputs`); a mismatch is INVALID_INPUT. */
  readonly input?: ConfigSchema<unknown>;
  /** Returns the patch; nothing (a void function) means an empty patch. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a tool that returns nothing is a void function
  run(ctx: ToolContext<C>): Promise<Patch | undefined | void> | Patch | undefined | void;
}

/** Port: how the engine finds tools by name. The registry in src/tools implements it. */
export interface ToolResolver {
  get(name: string): Tool<unknown> | undefined;
  /** Why a tool is unknown, when the resolver can tell (its MCP server failed to start...). */
  missingReason?(name: string): string | undefined;
}
