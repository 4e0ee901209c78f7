import { useState } from 'react';
import { useQuery } from 'urql';
import { TOOLS } from '../api/operations.js';
import type { Tool } from '../api/types.js';
import { JsonView } from '../components/json-view.js';
import { defaultsOf, isFormSchema, SchemaForm } from '../components/schema-form.js';

function where(t: Tool): string {
  if (t.source === 'MCP') return `MCP server ${t.server ?? ''} (${t.status ?? 'unknown'})`;
  if (t.source === 'WORKER')
    return `remote workers: ${t.workers ?? 0} connected, ${t.freeSlots ?? 0} free slots`;
  return 'in this server';
}

/** A tool's config schema as a form; the config it makes is shown, ready for a node. */
function ToolCard({ tool }: { tool: Tool }) {
  const schema = isFormSchema(tool.configSchema) ? tool.configSchema : null;
  const [config, setConfig] = useState(() => (schema ? defaultsOf(schema) : {}));
  return (
    <div className="card tool-card" data-testid={`tool-${tool.name}`}>
      <h3>
        <code>{tool.name}</code>{' '}
        <span className="badge">{tool.source.toLowerCase().replace('_', ' ')}</span>
      </h3>
      <p>{tool.description}</p>
      <p className="muted small">Runs {where(tool)}</p>
      {schema && Object.keys(schema.properties ?? {}).length > 0 ? (
        <details>
          <summary>Config</summary>
          <SchemaForm schema={schema} value={config} onChange={setConfig} />
          <JsonView value={{ tool: tool.name, config }} />
        </details>
      ) : (
        <p className="muted small">No config.</p>
      )}
      {tool.inputSchema != null && (
        <details>
          <summary>Inputs schema</summary>
          <JsonView value={tool.inputSchema} />
        </details>
      )}
    </div>
  );
}

/** Every tool graphs can use: this server's, MCP servers', workers'. */
export function ToolsPage() {
  const [{ data, error }] = useQuery<{ tools: Tool[] }>({ query: TOOLS });
  const [filter, setFilter] = useState('');
  if (error) return <p className="error">{error.message}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  const shown = data.tools.filter((t) =>
    `${t.name} ${t.description}`.toLowerCase().includes(filter.toLowerCase()),
  );
  return (
    <section>
      <div className="page-head">
        <h1>Tools</h1>
        <input
          type="search"
          placeholder="filter"
          aria-label="filter tools"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
      </div>
      <div className="grid">
        {shown.map((t) => (
          <ToolCard key={t.name} tool={t} />
        ))}
      </div>
    </section>
  );
}
