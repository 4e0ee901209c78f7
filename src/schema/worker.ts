/**
 * Remote workers over the API: any process with a GraphQL client registers the tools it serves,
 * takes tasks from the `toolTasks` subscription (graphql-ws or SSE) and answers with mutations.
 */
import { AppError } from '../errors.js';
import type { TaskEvent, ToolTaskRecord } from '../workers/ports.js';
import type { WorkerTask, WorkerView } from '../workers/worker-service.js';
import { builder } from './builder.js';

const WorkerRef = builder.objectRef<WorkerView>('Worker').implement({
  description:
    'A registered worker process; it takes tasks while its toolTasks subscription is open.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    tools: t.exposeStringList('tools', { description: 'The tools it serves.' }),
    slots: t.exposeInt('slots', { description: 'How many tasks it takes at once.' }),
    connected: t.exposeBoolean('connected'),
    running: t.exposeInt('running', { description: 'Tasks leased to it now.' }),
    lastSeenAt: t.field({ type: 'DateTime', nullable: true, resolve: (w) => w.lastSeenAt }),
  }),
});

const ToolTaskRef = builder.objectRef<WorkerTask>('ToolTask').implement({
  description:
    'One attempt of a node whose tool this worker serves. Answer it with completeToolTask or failToolTask, carrying its id.',
  fields: (t) => ({
    id: t.id({
      description: 'The task and its lease: answers carrying an older lease are refused.',
      resolve: (task) => task.token,
    }),
    tool: t.exposeString('tool'),
    input: t.field({
      type: 'JSON',
      description: "The node's evaluated `inputs`.",
      resolve: (task) => task.input ?? {},
    }),
    config: t.field({
      type: 'JSON',
      description: "The node's config.",
      resolve: (task) => task.config ?? {},
    }),
    runId: t.exposeID('runId'),
    nodeId: t.exposeString('nodeId'),
    iteration: t.exposeInt('iteration'),
    attempt: t.exposeInt('attempt', { description: '1-based; the same after a resume.' }),
    idempotencyKey: t.exposeString('idempotencyKey', {
      description: 'The same across retries, resumes and re-dispatches of one node activation.',
    }),
    leaseExpiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (task) => task.leaseUntil,
    }),
  }),
});

const ToolTaskAck = builder
  .objectRef<Pick<ToolTaskRecord, 'id' | 'status'>>('ToolTaskAck')
  .implement({
    description: 'A task answer that was taken.',
    fields: (t) => ({
      taskId: t.exposeID('id'),
      status: t.exposeString('status', {
        description: 'QUEUED LEASED SUCCEEDED FAILED CANCELLED TIMED_OUT',
      }),
    }),
  });

interface Heartbeat {
  cancelled: boolean;
  reason: AppError | null;
  task: ToolTaskRecord;
}
const ToolTaskHeartbeat = builder.objectRef<Heartbeat>('ToolTaskHeartbeat').implement({
  fields: (t) => ({
    cancelled: t.exposeBoolean('cancelled', {
      description:
        'Stop working on the task: its run was cancelled, it timed out or it was reassigned.',
    }),
    reason: t.string({
      nullable: true,
      description: 'TASK_CANCELLED, TASK_TIMED_OUT, TASK_REASSIGNED or TASK_ALREADY_ANSWERED.',
      resolve: (h) => h.reason?.code ?? null,
    }),
    leaseExpiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (h) => h.task.leaseUntil,
    }),
  }),
});

const WorkerToolInput = builder.inputType('WorkerToolInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    description: t.string(),
    configSchema: t.field({ type: 'JSON', description: 'JSON Schema of the node config.' }),
    inputSchema: t.field({ type: 'JSON', description: 'JSON Schema of the node `inputs`.' }),
  }),
});

const RegisterWorkerInput = builder.inputType('RegisterWorkerInput', {
  fields: (t) => ({
    id: t.id({
      description: 'A stable id of your choosing, kept across reconnects (default: new).',
    }),
    name: t.string({ required: true }),
    slots: t.int({ required: true, description: 'How many tasks it takes at once.' }),
    tools: t.field({ type: [WorkerToolInput], required: true }),
  }),
});

const ToolTaskErrorInput = builder.inputType('ToolTaskErrorInput', {
  fields: (t) => ({
    message: t.string({ required: true }),
    code: t.string(),
    retryable: t.boolean({
      defaultValue: true,
      description: 'False: the node fails without retrying.',
    }),
    details: t.field({ type: 'JSON' }),
  }),
});

const LogLevelEnum = builder.enumType('ToolTaskLogLevel', {
  values: ['debug', 'info', 'warn', 'error'] as const,
});
const ToolTaskEventInput = builder.inputType('ToolTaskEventInput', {
  description: 'A LOG (message, level, fields) or CUSTOM (name, payload) event for the run.',
  fields: (t) => ({
    type: t.field({
      type: builder.enumType('ToolTaskEventType', { values: ['LOG', 'CUSTOM'] as const }),
      required: true,
    }),
    message: t.string(),
    level: t.field({ type: LogLevelEnum }),
    fields: t.field({ type: 'JSON' }),
    name: t.string(),
    payload: t.field({ type: 'JSON' }),
  }),
});

builder.queryField('workers', (t) =>
  t.field({
    type: [WorkerRef],
    description: "The tenant's registered workers.",
    resolve: (_root, _args, ctx) => ctx.workers.list(ctx.identity.tenantId),
  }),
);

builder.subscriptionField('toolTasks', (t) =>
  t.field({
    type: ToolTaskRef,
    description:
      'The tasks leased to a registered worker, while this subscription is open (never more than its slots). Closing it hands back the tasks it holds.',
    authScopes: { writer: true },
    args: { workerId: t.arg.id({ required: true }) },
    subscribe: (_root, args, ctx) =>
      ctx.workers.connect(ctx.identity.tenantId, String(args.workerId)),
    resolve: (task) => task,
  }),
);

builder.mutationFields((t) => ({
  registerWorker: t.field({
    type: WorkerRef,
    description: 'Registers (or updates) a worker and the tools it serves; then open toolTasks.',
    args: { input: t.arg({ type: RegisterWorkerInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const w = await ctx.workers.register(ctx.identity.tenantId, {
        ...input,
        id: input.id === null || input.id === undefined ? null : String(input.id),
      });
      return { ...w, connected: false, running: 0 };
    },
  }),
  completeToolTask: t.field({
    type: ToolTaskAck,
    args: {
      taskId: t.arg.id({ required: true }),
      result: t.arg({ type: 'JSON', description: "The tool's result." }),
    },
    resolve: (_root, args, ctx) =>
      ctx.workers.complete(ctx.identity.tenantId, String(args.taskId), args.result ?? null),
  }),
  failToolTask: t.field({
    type: ToolTaskAck,
    args: {
      taskId: t.arg.id({ required: true }),
      error: t.arg({ type: ToolTaskErrorInput, required: true }),
    },
    resolve: (_root, { taskId: id, error }, ctx) =>
      ctx.workers.fail(ctx.identity.tenantId, String(id), {
        message: error.message,
        retryable: error.retryable ?? true,
        ...(error.code ? { code: error.code } : {}),
        ...(error.details === undefined || error.details === null
          ? {}
          : { details: error.details }),
      }),
  }),
  heartbeatToolTask: t.field({
    type: ToolTaskHeartbeat,
    description:
      'Keeps the lease, relays progress (a CUSTOM "progress" event), and says when to stop.',
    args: { taskId: t.arg.id({ required: true }), progress: t.arg({ type: 'JSON' }) },
    resolve: (_root, args, ctx) =>
      ctx.workers.heartbeat(ctx.identity.tenantId, String(args.taskId), args.progress ?? undefined),
  }),
  emitToolTaskEvents: t.field({
    type: ToolTaskAck,
    description: "LOG and CUSTOM events for the task's run (streamed to its subscribers).",
    args: {
      taskId: t.arg.id({ required: true }),
      events: t.arg({ type: [ToolTaskEventInput], required: true }),
    },
    resolve: (_root, args, ctx) =>
      ctx.workers.events(ctx.identity.tenantId, String(args.taskId), args.events.map(toTaskEvent)),
  }),
  releaseToolTask: t.field({
    type: ToolTaskAck,
    description: 'Hands a task back (shutting down): it is queued again, no attempt is used.',
    args: { taskId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.workers.release(ctx.identity.tenantId, String(args.taskId)),
  }),
  drainWorker: t.field({
    type: WorkerRef,
    description: 'Stops giving tasks to a worker; it finishes those it holds.',
    args: { workerId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.workers.drain(ctx.identity.tenantId, String(args.workerId)),
  }),
}));

function toTaskEvent(e: {
  type: 'LOG' | 'CUSTOM';
  message?: string | null;
  level?: 'debug' | 'info' | 'warn' | 'error' | null;
  fields?: unknown;
  name?: string | null;
  payload?: unknown;
}): TaskEvent {
  if (e.type === 'LOG') {
    if (!e.message) throw new AppError('BAD_USER_INPUT', 'A LOG event needs a message.');
    return {
      type: 'LOG',
      level: e.level ?? 'info',
      message: e.message,
      ...(e.fields === undefined || e.fields === null ? {} : { fields: e.fields }),
    };
  }
  if (!e.name) throw new AppError('BAD_USER_INPUT', 'A CUSTOM event needs a name.');
  return {
    type: 'CUSTOM',
    name: e.name,
    ...(e.payload === undefined ? {} : { payload: e.payload }),
  };
}
