import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import './scalars.js';
import './health.js';
import './tool.js';
import './graph.js';
import './run.js';
import './run-event.js';
import './interrupt.js';
import './api-key.js';
import './worker.js';
import './fork.js';
import './pause.js';
import './schedule.js';
import './trigger.js';
import './retention.js';
import './thread.js';
import './eval.js';

// Roles: every read needs reader, every write writer; key management asks admin on its fields.
builder.queryType({
  description: 'Read graphs, runs, their events and the tools.',
  authScopes: { reader: true },
});
builder.mutationType({
  description: 'Save graphs, start and cancel runs.',
  authScopes: { writer: true },
});
builder.subscriptionType({
  description: 'Live run events over graphql-ws or SSE.',
  authScopes: { reader: true },
});

let schema: GraphQLSchema | undefined;

/** The executable schema, built once per process. */
export function getSchema(): GraphQLSchema {
  schema ??= builder.toSchema({ sortSchema: true });
  return schema;
}

/** schema.graphql's content. */
export function printSchemaSdl(): string {
  return `${printSchema(lexicographicSortSchema(getSchema()))}\n`;
}

export type { Context } from './context.js';
