import { useCallback, useEffect, useMemo, useState } from 'react';
import { Provider } from 'urql';
import { loadCredential, saveCredential } from './api/auth.js';
import { createApiClient } from './api/client.js';
import { AuthPrompt } from './pages/auth-prompt.js';
import { ChatPage } from './pages/chat-page.js';
import { EditorPage } from './pages/editor-page.js';
import { GraphPage } from './pages/graph-page.js';
import { GraphsPage } from './pages/graphs-page.js';
import { RunPage } from './pages/run-page.js';
import { RunsPage } from './pages/runs-page.js';
import { ToolsPage } from './pages/tools-page.js';
import { match, onLinkClick, useLocation } from './router.js';

function Page({ path, ask }: { path: string; ask: () => void }) {
  if (path === '/' || match('/graphs', path)) return <GraphsPage />;
  const graph = match('/graphs/:id', path);
  if (graph) return <GraphPage key={graph.id} id={graph.id!} />;
  if (match('/runs', path)) return <RunsPage />;
  const run = match('/runs/:id', path);
  if (run) return <RunPage key={run.id} id={run.id!} />;
  if (match('/tools', path)) return <ToolsPage />;
  if (match('/editor', path)) return <EditorPage id={null} />;
  const chat = match('/chat/:graph', path);
  if (chat) return <ChatPage key={chat.graph} graph={chat.graph!} onUnauthenticated={ask} />;
  const edit = match('/editor/:id', path);
  if (edit) return <EditorPage key={edit.id} id={edit.id!} />;
  return (
    <p>
      Nothing here. <a href="/">Graphs</a>
    </p>
  );
}

const NAV = [
  ['/graphs', 'Graphs'],
  ['/runs', 'Runs'],
  ['/tools', 'Tools'],
  ['/editor', 'New graph'],
] as const;

/** The dashboard: a nav bar, the page of the URL, and the credential prompt when asked. */
export function App() {
  const { path } = useLocation();
  const [credential, setCredential] = useState(loadCredential);
  const [asking, setAsking] = useState(false);
  const ask = useCallback(() => setAsking(true), []);
  const api = useMemo(() => createApiClient(credential, ask), [credential, ask]);
  useEffect(() => () => api.dispose(), [api]);

  return (
    <div className="app">
      <header className="topbar">
        <a href="/" onClick={onLinkClick} className="brand">
          Agent Execution Framework
        </a>
        <nav>
          {NAV.map(([to, label]) => (
            <a
              key={to}
              href={to}
              onClick={onLinkClick}
              className={path.startsWith(to) || (to === '/graphs' && path === '/') ? 'active' : ''}
            >
              {label}
            </a>
          ))}
          <a href="/graphql">GraphiQL</a>
        </nav>
        {credential && (
          <button
            type="button"
            className="link"
            onClick={() => {
              saveCredential(null);
              setCredential(null);
            }}
          >
            Forget key
          </button>
        )}
      </header>
      <main>
        {asking ? (
          <AuthPrompt
            hadCredential={credential !== null}
            onSubmit={(value) => {
              saveCredential(value);
              setCredential(loadCredential());
              setAsking(false);
            }}
          />
        ) : (
          <Provider value={api.client} key={credential ?? ''}>
            <Page path={path} ask={ask} />
          </Provider>
        )}
      </main>
    </div>
  );
}
