import type { DynamicToolUIPart, UIMessage } from 'ai';
import { useState } from 'react';
import { JsonView } from '../components/json-view.js';

/** The `data` of a `data-interrupt` part, as the server's chat transport sends it. */
export interface ChatInterrupt {
  runId: string;
  interruptId: string;
  nodeId: string;
  prompt: string;
  schema: Record<string, unknown>;
  status: 'waiting' | 'answered' | 'timed-out';
  value?: unknown;
}

export type Answer = (answer: { runId: string; interruptId: string; value: unknown }) => void;

/** One message: its text, tool calls (with their results) and interrupts, in order. */
export function ChatMessage({
  message,
  onAnswer,
  busy,
}: {
  message: UIMessage;
  onAnswer: Answer;
  busy: boolean;
}) {
  return (
    <div className={`chat-message ${message.role}`} data-testid={`chat-${message.role}`}>
      {message.parts.map((part, i) => {
        const key = `${message.id}:${i}`;
        if (part.type === 'text')
          return (
            <p key={key} className="chat-text" data-testid="chat-text">
              {part.text}
            </p>
          );
        if (part.type === 'dynamic-tool') return <ToolCall key={key} part={part} />;
        if (part.type === 'data-interrupt')
          return (
            <InterruptForm
              key={key}
              interrupt={part.data as ChatInterrupt}
              onAnswer={onAnswer}
              busy={busy}
            />
          );
        return null;
      })}
    </div>
  );
}

function ToolCall({ part }: { part: DynamicToolUIPart }) {
  return (
    <details className="chat-tool" data-testid="chat-tool" data-state={part.state}>
      <summary>
        <code>{part.toolName}</code>{' '}
        <span className="muted">{part.state === 'output-available' ? 'done' : part.state}</span>
      </summary>
      <JsonView value={part.input} />
      {part.state === 'output-available' && <JsonView value={part.output} />}
      {part.state === 'output-error' && <p className="error">{part.errorText}</p>}
    </details>
  );
}

/** Approve / reject for a yes-or-no question, else a JSON answer. */
function InterruptForm({
  interrupt,
  onAnswer,
  busy,
}: {
  interrupt: ChatInterrupt;
  onAnswer: Answer;
  busy: boolean;
}) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const answer = (value: unknown) =>
    onAnswer({ runId: interrupt.runId, interruptId: interrupt.interruptId, value });
  const waiting = interrupt.status === 'waiting';
  return (
    <form
      className="interrupt chat-interrupt"
      data-testid="chat-interrupt"
      data-status={interrupt.status}
      onSubmit={(e) => {
        e.preventDefault();
        try {
          answer(JSON.parse(text));
          setProblem(null);
        } catch (err) {
          setProblem(`The answer is not JSON: ${(err as Error).message}`);
        }
      }}
    >
      <p>
        <strong>{interrupt.nodeId}</strong> asks: {interrupt.prompt}
      </p>
      {!waiting ? (
        <small className="muted">
          {interrupt.status === 'answered' ? 'Answered' : 'Timed out'}:{' '}
          <code>{JSON.stringify(interrupt.value ?? null)}</code>
        </small>
      ) : interrupt.schema.type === 'boolean' ? (
        <div className="row">
          <button type="button" disabled={busy} onClick={() => answer(true)}>
            Approve
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={() => answer(false)}>
            Reject
          </button>
        </div>
      ) : (
        <>
          <textarea
            aria-label="Answer (JSON)"
            rows={2}
            value={text}
            onChange={(e) => setText(e.target.value)}
            spellCheck={false}
          />
          <div className="row">
            <button type="submit" disabled={busy}>
              Answer
            </button>
          </div>
        </>
      )}
      {problem && <p className="error">{problem}</p>}
    </form>
  );
}
