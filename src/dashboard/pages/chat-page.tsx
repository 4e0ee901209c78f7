import { useChat } from '@ai-sdk/react';
import { DefaultChatTransport } from 'ai';
import { useEffect, useMemo, useState } from 'react';
import { authorizationOf, loadCredential } from '../api/auth.js';
import { type Answer, ChatMessage } from '../chat/chat-parts.js';

/** The chat id (the thread) from `?chat=`, else a new one kept in the URL for reloads. */
function useChatId(): string {
  return useMemo(() => {
    const url = new URL(location.href);
    const known = url.searchParams.get('chat');
    if (known) return known;
    const id = `chat-${crypto.randomUUID()}`;
    url.searchParams.set('chat', id);
    history.replaceState(null, '', url);
    return id;
  }, []);
}

/**
 * A chat with a graph over the server's chat transport (`/chat/<graph>`, the AI SDK UI message
 * stream): useChat with DefaultChatTransport, as any React app would use it.
 */
export function ChatPage({
  graph,
  onUnauthenticated,
}: {
  graph: string;
  /** The endpoint refused the credential (or there is none): the app asks for one. */
  onUnauthenticated: () => void;
}) {
  const chatId = useChatId();
  const transport = useMemo(() => {
    const authorization = authorizationOf(loadCredential());
    return new DefaultChatTransport({
      api: `/chat/${encodeURIComponent(graph)}`,
      headers: authorization ? { authorization } : {},
    });
  }, [graph]);
  const { messages, sendMessage, status, error } = useChat({ id: chatId, transport, resume: true });
  const [text, setText] = useState('');
  // Refusals are JSON `{ error: { code, message } }`; the transport's error carries that text.
  useEffect(() => {
    if (error?.message.includes('"UNAUTHENTICATED"')) onUnauthenticated();
  }, [error, onUnauthenticated]);
  const busy = status === 'submitted' || status === 'streaming';
  const answer: Answer = (a) => void sendMessage(undefined, { body: { answer: a } });
  return (
    <section className="chat" data-testid="chat" data-status={status}>
      <div className="page-head">
        <h1>
          Chat with {graph} <span className="muted">thread {chatId}</span>
        </h1>
      </div>
      <div className="card chat-log">
        {messages.length === 0 && <p className="muted">Say something to start a run.</p>}
        {messages.map((m) => (
          <ChatMessage key={m.id} message={m} onAnswer={answer} busy={busy} />
        ))}
        {error && (
          <p className="error" data-testid="chat-error">
            {error.message}
          </p>
        )}
      </div>
      <form
        className="row chat-input"
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim() === '' || busy) return;
          void sendMessage({ text });
          setText('');
        }}
      >
        <input
          aria-label="Message"
          data-testid="chat-message"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="Message"
        />
        <button type="submit" disabled={busy} data-testid="chat-send">
          Send
        </button>
      </form>
    </section>
  );
}
