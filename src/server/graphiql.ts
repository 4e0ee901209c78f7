import type { GraphiQLOptions } from 'graphql-yoga';

/**
 * The README's "ten-line tour", one GraphiQL tab per operation, so a new user can save a graph,
 * start it and follow it at once (tests/api/graphiql-tabs.test.ts checks they match the README).
 */
export const GRAPHIQL_TABS: ReadonlyArray<{ name: string; query: string; variables?: string }> = [
  {
    name: 'Save',
    query: `mutation Save {
  createGraph(input: {
    name: "hello"
    nodes: [
      { id: "greet", tool: "set_state", config: { values: { greeting: "hi" } } }
      { id: "count", tool: "increment", config: { key: "n" }, maxIterations: 5 }
    ]
    edges: [{ from: "greet", to: "count" }, { from: "count", to: "count", when: "state.n < 3" }]
    entry: "greet"
  }) { id latestVersion }
}
`,
  },
  {
    name: 'Start',
    query: `# Paste the id Save returned into the variables below.
mutation Start($graphId: ID!) { startRun(graphId: $graphId, input: { n: 0 }) { id status } }
`,
    variables: '{ "graphId": "" }',
  },
  {
    name: 'Follow',
    query: `# Over graphql-ws: paste the run id Start returned.
subscription Follow($runId: ID!) {
  runEvents(runId: $runId) { seq type nodeId attempt at data }
}
`,
    variables: '{ "runId": "" }',
  },
  {
    name: 'Read',
    query: `query Read($runId: ID!) {
  run(id: $runId) { status state error { code message nodeId } nodes { nodeId iteration status attempts durationMs } }
}
`,
    variables: '{ "runId": "" }',
  },
  {
    name: 'Graphs',
    query: `# The saved graphs (the examples among them) and the tools they can use.
query Graphs {
  graphs(first: 20) { edges { node { id name description latestVersion } } }
  tools { name description source }
}
`,
  },
];

/** GraphiQL's options: the tour as tabs, subscriptions over graphql-ws on the same URL. */
export function graphiqlOptions(): GraphiQLOptions {
  return {
    title: 'Agent Execution Framework',
    defaultTabs: GRAPHIQL_TABS.map((t) => ({
      query: t.query,
      ...(t.variables ? { variables: t.variables } : {}),
    })),
    subscriptionsProtocol: 'WS',
  };
}

let rendered: Promise<string> | undefined;

/**
 * GraphiQL with its assets inlined from node_modules (`@graphql-yoga/render-graphiql`), not
 * from a CDN: it works with no network. The page (~9 MB) is the same for every request, so it
 * is rendered once, on the first request for it: the module holds ~30 MB of script source, which
 * a server that never shows GraphiQL should not keep in memory from boot.
 */
export function renderOfflineGraphiQL(opts?: GraphiQLOptions): Promise<string> {
  rendered ??= import('@graphql-yoga/render-graphiql').then(({ renderGraphiQL }) =>
    renderGraphiQL(opts ?? graphiqlOptions()),
  );
  // A failed load is tried again by the next request, not remembered.
  rendered.catch(() => {
    rendered = undefined;
  });
  return rendered;
}
