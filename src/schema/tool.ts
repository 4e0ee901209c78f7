import { builder } from './builder.js';
import type { ToolShape } from './context.js';

const ToolSource = builder.enumType('ToolSource', {
  description: 'Where a tool runs.',
  values: {
    IN_PROCESS: { description: 'A tool of this server process.' },
    MCP: { description: 'A tool of an MCP server (named `<server>.<tool>`).' },
    WORKER: { description: 'A tool served by remote workers (registerWorker, toolTasks).' },
  } as const,
});

const Tool = builder.objectRef<ToolShape>('Tool').implement({
  description: 'A registered tool that graph nodes can run.',
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    configSchema: t.field({
      type: 'JSON',
      description: 'JSON Schema of the node `config` this tool accepts (for forms).',
      resolve: (tool) => tool.configSchema,
    }),
    source: t.field({ type: ToolSource, resolve: (tool) => tool.source ?? 'IN_PROCESS' }),
    inputSchema: t.field({
      type: 'JSON',
      nullable: true,
      description: 'JSON Schema of the node `inputs` the tool takes, when it declares one.',
      resolve: (tool) => tool.inputSchema ?? null,
    }),
    server: t.string({
      nullable: true,
      description: 'The MCP server of an MCP tool.',
      resolve: (tool) => tool.server ?? null,
    }),
    status: t.string({
      nullable: true,
      description:
        'The MCP server status: idle (not started), connecting, ready, down (died; the next call restarts it), failed.',
      resolve: (tool) => tool.status ?? null,
    }),
    workers: t.int({
      nullable: true,
      description: 'A worker tool: how many workers serving it are connected now.',
      resolve: (tool) => tool.workers ?? null,
    }),
    freeSlots: t.int({
      nullable: true,
      description: 'A worker tool: free task slots among its connected workers now.',
      resolve: (tool) => tool.freeSlots ?? null,
    }),
  }),
});

builder.queryField('tools', (t) =>
  t.field({
    type: [Tool],
    description:
      "Every tool graphs can use: this server's, MCP servers', and the tenant's worker tools.",
    resolve: async (_root, _args, ctx) => {
      const tenantId = ctx.identity.tenantId;
      const all = ctx.tools
        .list()
        .filter((tool) => tool.source !== 'WORKER' || tool.tenantId === tenantId);
      if (!all.some((tool) => tool.source === 'WORKER')) return all;
      const capacity = await ctx.workers.capacity(tenantId);
      return all.map((tool) =>
        tool.source === 'WORKER'
          ? {
              ...tool,
              workers: capacity.get(tool.name)?.workers ?? 0,
              freeSlots: capacity.get(tool.name)?.freeSlots ?? 0,
            }
          : tool,
      );
    },
  }),
);
