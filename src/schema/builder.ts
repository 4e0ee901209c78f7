import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { roleAllows } from '../auth/identity.js';
import { AppError } from '../errors.js';
import type PrismaTypes from '../generated/sqlite/pothos-types.js';
import { getDatamodel } from '../generated/sqlite/pothos-types.js';
import type { Context } from './context.js';

/** The Pothos builder and nothing else: each domain file adds its own types and fields. */
export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  /** Roles as scopes: each one includes those below it. */
  AuthScopes: { reader: boolean; writer: boolean; admin: boolean };
  Scalars: {
    JSON: { Input: unknown; Output: unknown };
    DateTime: { Input: Date; Output: Date | string | number };
  };
  DefaultFieldNullability: false;
}>({
  defaultFieldNullability: false,
  // scope-auth first, so no other plugin's wrapper runs before the check.
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin],
  scopeAuth: {
    // Subscriptions are refused when they are made, not at their first event.
    authorizeOnSubscribe: true,
    // Once per operation context: a graphql-ws socket authenticated at connection_init, so its
    // later operations are refused once the key is revoked or the token has expired.
    authScopes: async (ctx) => {
      if (!(await ctx.apiKeys.stillValid(ctx.identity)))
        throw new AppError(
          'UNAUTHENTICATED',
          'The credential was revoked or has expired since the connection was made; reconnect with a valid one.',
        );
      return {
        reader: roleAllows(ctx.identity.role, 'reader'),
        writer: roleAllows(ctx.identity.role, 'writer'),
        admin: roleAllows(ctx.identity.role, 'admin'),
      };
    },
    unauthorizedError: (_parent, ctx, info) =>
      new AppError(
        'FORBIDDEN',
        `Role "${ctx.identity.role}" may not use ${info.parentType.name}.${info.fieldName}.`,
      ),
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
  },
  prisma: {
    // The client comes from the context, so tests and the server each bring their own database.
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
    maxConnectionSize: 1000,
    defaultConnectionSize: 50,
  },
});
