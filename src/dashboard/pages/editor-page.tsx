import { useEffect, useMemo, useState } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import { CREATE_GRAPH, GRAPH, UPDATE_GRAPH, VALIDATE_GRAPH } from '../api/operations.js';
import type { GraphDef } from '../api/types.js';
import { JsonEditor, type LineIssue } from '../editor/json-editor.js';
import { lineOf, locatePaths } from '../editor/json-locate.js';
import { toGraphInput } from '../editor/to-graph-input.js';
import { GraphDrawing } from '../graph/graph-drawing.js';
import { navigate } from '../router.js';

const STARTER: GraphDef = {
  name: 'my-graph',
  entry: 'greet',
  nodes: [
    { id: 'greet', tool: 'set_state', config: { values: { greeting: 'hi' } } },
    { id: 'count', tool: 'increment', config: { key: 'n' }, maxIterations: 5 },
  ],
  edges: [
    { from: 'greet', to: 'count' },
    { from: 'count', to: 'count', when: 'state.n < 3' },
  ],
};

interface Issue {
  path: string;
  code: string;
  message: string;
}

/** The line a JSON.parse error names (V8: "... at position 12 (line 2 column 3)"). */
function syntaxLine(text: string, err: Error): number {
  const line = /line (\d+)/.exec(err.message);
  if (line) return Number(line[1]);
  const pos = /position (\d+)/.exec(err.message);
  return pos ? text.slice(0, Number(pos[1])).split('\n').length : 1;
}

/** Create or edit a graph as JSON: issues inline at their path, the drawing as you type. */
export function EditorPage({ id }: { id: string | null }) {
  const client = useClient();
  const [{ data }] = useQuery<{ graph: { id: string; name: string; definition: GraphDef } | null }>(
    {
      query: GRAPH,
      variables: { id },
      pause: !id,
    },
  );
  const [text, setText] = useState<string | null>(id ? null : JSON.stringify(STARTER, null, 2));
  useEffect(() => {
    if (id && text === null && data?.graph) setText(JSON.stringify(data.graph.definition, null, 2));
  }, [id, data, text]);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [saveError, setSaveError] = useState<string | null>(null);
  const parsed = useMemo(() => {
    if (text === null) return { ok: false as const, error: null };
    try {
      return { ok: true as const, value: JSON.parse(text) as GraphDef };
    } catch (err) {
      return {
        ok: false as const,
        error: { line: syntaxLine(text, err as Error), message: (err as Error).message },
      };
    }
  }, [text]);

  useEffect(() => {
    if (!parsed.ok) return setIssues([]);
    let live = true;
    const timer = setTimeout(async () => {
      const res = await client
        .query<{ validateGraph: Issue[] }>(
          VALIDATE_GRAPH,
          { definition: parsed.value },
          { requestPolicy: 'network-only' },
        )
        .toPromise();
      if (live && res.data) setIssues(res.data.validateGraph);
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [parsed, client]);

  const [{ fetching: saving }, create] = useMutation<{ createGraph: { id: string } }>(CREATE_GRAPH);
  const [, update] = useMutation<{ updateGraph: { id: string } }>(UPDATE_GRAPH);
  if (text === null) return <p className="muted">Loading…</p>;
  const lines = locatePaths(text);
  const shown: LineIssue[] = parsed.ok
    ? issues.map((i) => ({ ...i, line: lineOf(lines, i.path) }))
    : parsed.error
      ? [{ line: parsed.error.line, path: '(json)', code: 'SYNTAX', message: parsed.error.message }]
      : [];
  const drawable =
    parsed.ok && Array.isArray(parsed.value.nodes) && Array.isArray(parsed.value.edges);

  return (
    <section>
      <div className="page-head">
        <h1>{id ? `Edit ${data?.graph?.name ?? ''}` : 'New graph'}</h1>
        <button
          type="button"
          data-testid="save-graph"
          disabled={!parsed.ok || issues.length > 0 || saving}
          onClick={async () => {
            if (!parsed.ok) return;
            const input = toGraphInput(parsed.value);
            const res = id ? await update({ id, input }) : await create({ input });
            if (res.error) return setSaveError(res.error.message.replace(/^\[GraphQL\] /, ''));
            const saved = res.data as
              | { createGraph?: { id: string }; updateGraph?: { id: string } }
              | undefined;
            navigate(`/graphs/${saved?.createGraph?.id ?? saved?.updateGraph?.id ?? id}`);
          }}
        >
          {id ? 'Save new version' : 'Create graph'}
        </button>
      </div>
      {saveError && <p className="error">{saveError}</p>}
      <div className="columns editor">
        <JsonEditor text={text} onChange={setText} issues={shown} />
        <div>
          {drawable ? (
            <GraphDrawing def={parsed.value} height={460} />
          ) : (
            <p className="muted">The drawing shows once the JSON parses.</p>
          )}
          {parsed.ok && issues.length === 0 && (
            <p className="ok" data-testid="valid">
              Valid.
            </p>
          )}
        </div>
      </div>
    </section>
  );
}
