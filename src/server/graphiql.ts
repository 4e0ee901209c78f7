/** The operations GraphiQL opens with, so a new user can run the code-review example at once. */
export const GRAPHIQL_DEFAULT_QUERY = `# Agent Execution Framework
# 1. Run "Graphs" to find the example graphs and their ids.
# 2. Paste an id into the variables and run "StartRun".
# 3. Paste the run id and run "Follow" to stream its events live (or "Run" to read it).

query Graphs {
  graphs(first: 20) { edges { node { id name description latestVersion } } }
  tools { name description }
}

mutation StartRun($graphId: ID!) {
  startRun(graphId: $graphId, input: {}) { id status graphVersion }
}

subscription Follow($runId: ID!) {
  runEvents(runId: $runId) { seq type nodeId attempt at data }
}

query Run($runId: ID!) {
  run(id: $runId) {
    id status state error { code message nodeId }
    nodes { nodeId iteration status attempts durationMs }
  }
}
`;
