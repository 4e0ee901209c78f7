/**
 * The HTTP floor of the server workload: a bare graphql-yoga (a one-field schema, no plugins,
 * no database) on node:http in the same process as our server, answering `{ __typename }`. Its
 * request rate at the same client count is what the API layer could reach at best.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';

export interface BareYoga {
  url: string;
  close(): Promise<void>;
}

export async function startBareYoga(): Promise<BareYoga> {
  const yoga = createYoga({
    schema: createSchema({ typeDefs: 'type Query { ok: Boolean }' }),
    logging: false,
    maskedErrors: false,
    graphiql: false,
  });
  const server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
