import { builder } from './builder.js';

interface ToolShape {
  name: string;
  description: string;
  configSchema: unknown;
}

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
  }),
});

builder.queryField('tools', (t) =>
  t.field({ type: [Tool], resolve: (_root, _args, ctx) => ctx.tools.list() }),
);
