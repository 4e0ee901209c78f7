import { builder } from './builder.js';
import type { ToolShape } from './context.js';

const ToolSource = builder.enumType('ToolSource', {
  description: 'Where a tool runs.',
  values: {
    IN_PROCESS: { description: 'A tool of this server process.' },
    MCP: { description: 'A tool of an MCP server (named `<server>.<tool>`).' },
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
  }),
});

builder.queryField('tools', (t) =>
  t.field({ type: [Tool], resolve: (_root, _args, ctx) => ctx.tools.list() }),
);
