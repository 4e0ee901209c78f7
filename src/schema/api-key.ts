import type { ApiKeyRecord } from '../auth/api-keys.js';
import type { Identity, Role } from '../auth/identity.js';
import { builder } from './builder.js';

export const RoleEnum = builder.enumType('Role', {
  description:
    'READER reads and subscribes; WRITER also saves graphs and starts and cancels runs; ADMIN also manages API keys.',
  values: {
    READER: { value: 'reader' as Role },
    WRITER: { value: 'writer' as Role },
    ADMIN: { value: 'admin' as Role },
  },
});

const Viewer = builder.objectRef<Identity>('Viewer').implement({
  description: 'Who the API sees: the tenant and role of the credential the request carries.',
  fields: (t) => ({
    tenantId: t.exposeString('tenantId'),
    role: t.field({ type: RoleEnum, resolve: (i) => i.role }),
    subject: t.exposeString('subject', { description: 'The key id or token subject.' }),
  }),
});

const ApiKey = builder.objectRef<ApiKeyRecord>('ApiKey').implement({
  description: 'An API key of the tenant. The key itself is shown once, when it is created.',
  fields: (t) => ({
    id: t.exposeID('id'),
    tenantId: t.exposeString('tenantId'),
    role: t.field({ type: RoleEnum, resolve: (k) => k.role }),
    name: t.exposeString('name', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
});

const CreatedApiKey = builder
  .objectRef<{ key: string; record: ApiKeyRecord }>('CreatedApiKey')
  .implement({
    fields: (t) => ({
      key: t.exposeString('key', {
        description: 'The key: send it as "Authorization: Bearer <key>". Not shown again.',
      }),
      apiKey: t.field({ type: ApiKey, resolve: (c) => c.record }),
    }),
  });

builder.queryFields((t) => ({
  viewer: t.field({ type: Viewer, resolve: (_root, _args, ctx) => ctx.identity }),
  apiKeys: t.field({
    type: [ApiKey],
    description: "The tenant's API keys, revoked ones included (admin).",
    authScopes: { admin: true },
    resolve: (_root, _args, ctx) => ctx.apiKeys.list(ctx.identity.tenantId),
  }),
}));

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreatedApiKey,
    description: "Creates an API key in the caller's tenant (admin).",
    authScopes: { admin: true },
    args: {
      role: t.arg({ type: RoleEnum, required: true }),
      name: t.arg.string({ description: 'A label to recognise the key by.' }),
    },
    resolve: (_root, args, ctx) =>
      ctx.apiKeys.create({
        tenantId: ctx.identity.tenantId,
        role: args.role,
        name: args.name ?? null,
      }),
  }),
  revokeApiKey: t.boolean({
    description: "Revokes a key of the caller's tenant (admin); false when there is none.",
    authScopes: { admin: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.apiKeys.revoke(String(args.id), ctx.identity.tenantId),
  }),
}));
