import type { WebhookTriggerRecord } from '../triggers/ports.js';
import { builder } from './builder.js';

builder.prismaObject('WebhookTrigger', {
  description:
    'POST /hooks/<id> starts a run of the graph. Deliveries are signed with the secret shown once, at creation (README "Webhook triggers").',
  fields: (t) => ({
    id: t.exposeID('id'),
    graph: t.relation('graph'),
    input: t.exposeString('input', {
      nullable: true,
      description: 'CEL over the request body (as `state`) giving the run input; null: the body.',
    }),
    path: t.string({ resolve: (h) => `/hooks/${h.id}` }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const CreatedWebhookTrigger = builder
  .objectRef<{ trigger: WebhookTriggerRecord; secret: string }>('CreatedWebhookTrigger')
  .implement({
    fields: (t) => ({
      secret: t.exposeString('secret', {
        description: 'The HMAC-SHA256 key of the deliveries. Not shown again: store it now.',
      }),
      trigger: t.prismaField({
        type: 'WebhookTrigger',
        resolve: (query, c, _args, ctx) =>
          ctx.prisma.webhookTrigger.findUniqueOrThrow({ ...query, where: { id: c.trigger.id } }),
      }),
    }),
  });

builder.queryFields((t) => ({
  webhookTriggers: t.prismaField({
    type: ['WebhookTrigger'],
    description: "The tenant's webhook triggers (of one graph when graphId is given).",
    args: { graphId: t.arg.id() },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.webhookTrigger.findMany({
        ...query,
        where: {
          tenantId: ctx.identity.tenantId,
          ...(args.graphId ? { graphId: String(args.graphId) } : {}),
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: 1000,
      }),
  }),
}));

builder.mutationFields((t) => ({
  createWebhookTrigger: t.field({
    type: CreatedWebhookTrigger,
    description: 'Creates a webhook trigger of the graph; the answer holds its secret, once.',
    args: {
      graphId: t.arg.id({ required: true }),
      input: t.arg.string({
        description:
          'CEL over the request body (as `state`) giving the run input, e.g. {"customer": state.data.id}; checked now.',
      }),
    },
    resolve: (_root, args, ctx) =>
      ctx.webhooks.create(ctx.identity.tenantId, String(args.graphId), args.input ?? null),
  }),
  deleteWebhookTrigger: t.boolean({
    description: 'Deletes a webhook trigger; NOT_FOUND when the tenant has none.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.webhooks.delete(String(args.id), ctx.identity.tenantId),
  }),
}));
