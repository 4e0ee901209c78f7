import type { GraphDef, GraphIssue } from '../engine/index.js';
import { builder } from './builder.js';
import { GraphInput, toGraphDef } from './graph-input.js';

export const GraphVersion = builder.prismaObject('GraphVersion', {
  description: 'An immutable version of a graph; runs pin the version they started on.',
  fields: (t) => ({
    id: t.exposeID('id'),
    version: t.exposeInt('version'),
    definition: t.field({ type: 'JSON', resolve: (v) => v.definition }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.prismaObject('Graph', {
  description: 'A saved graph of tools. Saving it again creates a new version.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    latestVersion: t.exposeInt('latestVersion'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    archivedAt: t.expose('archivedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'Set by deleteGraph: runs stay readable, nothing new starts, the name is free.',
    }),
    paused: t.exposeBoolean('paused', {
      description:
        'Set by pauseGraph: startRun still accepts runs, but they (and queued ones not yet claimed by a server) stay QUEUED until unpauseGraph. Runs already executing are not paused by it (pauseRun pauses one).',
    }),
    retentionDays: t.exposeInt('retentionDays', {
      nullable: true,
      description:
        'Finished runs older than this many days are removed (0: kept forever; null: the server default, RETENTION_DAYS).',
    }),
    definition: t.field({
      type: 'JSON',
      description: 'The definition of the latest version.',
      select: {
        versions: { select: { definition: true }, orderBy: { version: 'desc' }, take: 1 },
      },
      resolve: (g) => (g.versions[0]?.definition ?? null) as GraphDef | null,
    }),
    versions: t.relation('versions', { query: { orderBy: { version: 'desc' } } }),
    runs: t.relatedConnection('runs', {
      cursor: 'id',
      query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] },
    }),
  }),
});

const GraphIssueRef = builder.objectRef<GraphIssue>('GraphIssue').implement({
  description: 'A problem saving a graph definition would report.',
  fields: (t) => ({
    path: t.exposeString('path', { description: 'Where it is, e.g. "nodes[2].tool".' }),
    code: t.exposeString('code'),
    message: t.exposeString('message'),
  }),
});

builder.queryFields((t) => ({
  validateGraph: t.field({
    type: [GraphIssueRef],
    description:
      'Every issue createGraph or updateGraph would report for this definition (the JSON shape of Graph.definition), each with its path; empty when it is valid. Nothing is saved.',
    args: { definition: t.arg({ type: 'JSON', required: true }) },
    resolve: (_root, args, ctx) => ctx.graphs.validate(args.definition),
  }),
  graph: t.prismaField({
    type: 'Graph',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.graph.findFirst({
        ...query,
        where: { id: String(args.id), tenantId: ctx.identity.tenantId },
      }),
  }),
  graphByName: t.prismaField({
    type: 'Graph',
    nullable: true,
    args: { name: t.arg.string({ required: true }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.graph.findFirst({
        ...query,
        where: { tenantId: ctx.identity.tenantId, name: args.name, archivedAt: null },
      }),
  }),
  graphs: t.prismaConnection(
    {
      type: 'Graph',
      cursor: 'id',
      args: {
        archived: t.arg.boolean({
          defaultValue: false,
          description: 'true: the archived graphs (deleteGraph) instead.',
        }),
      },
      resolve: (query, _root, args, ctx) =>
        ctx.prisma.graph.findMany({
          ...query,
          where: {
            tenantId: ctx.identity.tenantId,
            archivedAt: args.archived ? { not: null } : null,
          },
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        }),
    },
    { name: 'GraphConnection' },
    { name: 'GraphEdge' },
  ),
}));

builder.mutationFields((t) => ({
  createGraph: t.prismaField({
    type: 'Graph',
    args: { input: t.arg({ type: GraphInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const graph = await ctx.graphs.create(toGraphDef(args.input), ctx.identity.tenantId);
      return ctx.prisma.graph.findUniqueOrThrow({ ...query, where: { id: graph.id } });
    },
  }),
  updateGraph: t.prismaField({
    type: 'Graph',
    description: 'Saves a new version of the graph; runs already started keep theirs.',
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: GraphInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const graph = await ctx.graphs.update(
        String(args.id),
        toGraphDef(args.input),
        ctx.identity.tenantId,
      );
      return ctx.prisma.graph.findUniqueOrThrow({ ...query, where: { id: graph.id } });
    },
  }),
  deleteGraph: t.boolean({
    description:
      'Archives the graph (soft delete): its versions, runs and history stay readable, no run starts, its schedules pause and its name is free. purgeGraph removes the data. Refused while runs are active; false when there is no such graph (or it is archived already).',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.graphs.delete(String(args.id), ctx.identity.tenantId),
  }),
}));
