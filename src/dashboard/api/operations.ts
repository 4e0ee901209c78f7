/** Every operation the dashboard sends (named, so the server logs and GraphiQL can tell them). */

const RUN_ROW = 'id status graphVersion createdAt startedAt finishedAt graph { id name }';
const EVENT = 'seq type nodeId attempt at data';
const INTERRUPT = 'id nodeId iteration prompt schema status answer deadline';
const LINEAGE = `origin parentSeq parent { id status origin } forks { id status origin createdAt }`;

export const VIEWER = 'query Viewer { viewer { tenantId role subject } }';

export const GRAPHS = `query Graphs {
  graphs(first: 200) { edges { node {
    id name description latestVersion updatedAt
    runs(first: 5) { edges { node { id status createdAt } } }
  } } }
}`;

export const GRAPH = `query Graph($id: ID!) {
  graph(id: $id) {
    id name description latestVersion definition
    versions { id version createdAt definition }
    runs(first: 20) { edges { node { ${RUN_ROW} } } }
  }
}`;

export const RUNS = `query Runs($graphId: ID, $status: RunStatus, $after: String) {
  runs(first: 200, graphId: $graphId, status: $status, after: $after) {
    edges { node { ${RUN_ROW} } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const RUN_UPDATED = `subscription RunUpdated($graphId: ID) {
  runUpdated(graphId: $graphId) { ${RUN_ROW} }
}`;

export const RUN = `query Run($id: ID!) {
  run(id: $id) {
    ${RUN_ROW} input state lastSeq
    error { code message nodeId details }
    nodes { nodeId iteration status attempts startedAt finishedAt durationMs error { code message } }
    graph { id name versions { version definition } }
    ${LINEAGE}
    interrupts { ${INTERRUPT} }
  }
}`;

export const RUN_EVENTS_PAGE = `query RunEventsPage($id: ID!, $afterSeq: Int, $first: Int) {
  run(id: $id) { id events(afterSeq: $afterSeq, first: $first) { edges { node { ${EVENT} } } } }
}`;

export const FOLLOW_RUN = `subscription FollowRun($runId: ID!, $afterSeq: Int) {
  runEvents(runId: $runId, afterSeq: $afterSeq) { ${EVENT} }
}`;

export const TOOLS = `query Tools {
  tools { name description configSchema inputSchema source server status workers freeSlots }
}`;

export const CANCEL_RUN = 'mutation CancelRun($id: ID!) { cancelRun(id: $id) { id status } }';

export const PAUSE_RUN = 'mutation PauseRun($id: ID!) { pauseRun(id: $id) { id status } }';

export const UNPAUSE_RUN = 'mutation UnpauseRun($id: ID!) { unpauseRun(id: $id) { id status } }';

export const START_RUN = `mutation StartRun($graphId: ID!, $input: JSON, $version: Int) {
  startRun(graphId: $graphId, input: $input, version: $version) { id status }
}`;

export const CREATE_GRAPH = `mutation CreateGraph($input: GraphInput!) {
  createGraph(input: $input) { id latestVersion }
}`;

export const UPDATE_GRAPH = `mutation UpdateGraph($id: ID!, $input: GraphInput!) {
  updateGraph(id: $id, input: $input) { id latestVersion }
}`;

export const VALIDATE_GRAPH = `query ValidateGraph($definition: JSON!) {
  validateGraph(definition: $definition) { path code message }
}`;

export const STATE_AT = `query StateAt($id: ID!, $seq: Int!) {
  run(id: $id) { id stateAt(seq: $seq) }
}`;

export const RESUME_RUN = `mutation ResumeRun($runId: ID!, $interruptId: ID!, $value: JSON!) {
  resumeRun(runId: $runId, interruptId: $interruptId, value: $value) { id status }
}`;

export const FORK_RUN = `mutation ForkRun($runId: ID!, $input: ForkRunInput!) {
  forkRun(runId: $runId, input: $input) { id status }
}`;

export const RETRY_RUN = `mutation RetryRun($runId: ID!, $latest: Boolean) {
  retryRun(runId: $runId, latest: $latest) { id status }
}`;

export const EVAL_SETS = `query EvalSets($graphId: ID!) {
  evalSets(graphId: $graphId) { id name scorerGraph cases runs { id graphVersion status meanScore } }
}`;

export const RUN_EVAL = `mutation RunEval($id: ID!, $v: Int) {
  runEval(evalSetId: $id, graphVersion: $v) { id status graphVersion }
}`;
