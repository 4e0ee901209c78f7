/**
 * The chat transport end to end on SQLite and PostgreSQL, against the scripted model server:
 * two turns on one thread through the AI SDK's own DefaultChatTransport, the parts of a stream in
 * order, an agent's tool call and result, a reconnect after a dropped connection that yields
 * every token exactly once, an interrupt answered through the chat, auth and tenancy, bad input.
 */
import { DefaultChatTransport, readUIMessageStream, type UIMessage } from 'ai';
import { afterAll, expect, it } from 'vitest';
import { uniqueName } from '../api/operations.js';
import { type OpenAIServer, startOpenAIServer } from '../helpers/openai-server.js';
import { chatGraph, threadId } from '../threads/suite.js';
import { readSse, shape, textOf, userMessage } from './sse.js';
import { ASKER, chatSuites } from './suite.js';

const llm: OpenAIServer = await startOpenAIServer();
afterAll(() => llm.close());

function sent(i: number): Array<{ role: string; content: unknown }> {
  const request = llm.requests[i];
  if (!request) throw new Error(`the model got no request #${i + 1}`);
  return (request.body.messages as Array<{ role: string; content: unknown }>).map((m) => ({
    role: m.role,
    content: m.content,
  }));
}

await chatSuites('chat transport', llm, ({ acme, globex, origin, create, post, resume }) => {
  it("answers useChat's two turns on one thread, the second model call seeing the first", async () => {
    const graph = chatGraph();
    await create(acme().writer, graph);
    const chatId = threadId();
    const transport = new DefaultChatTransport<UIMessage>({
      api: `${origin()}/chat/${graph.name}`,
      headers: { authorization: `Bearer ${acme().writer}` },
    });
    llm.script({ text: 'Hello Ada.' }, { text: 'You are Ada.' });
    const turn = async (messages: UIMessage[]) => {
      const stream = await transport.sendMessages({
        trigger: 'submit-message',
        chatId,
        messageId: undefined,
        messages,
        abortSignal: undefined,
      });
      let last: UIMessage | undefined;
      for await (const m of readUIMessageStream<UIMessage>({ stream, terminateOnError: true }))
        last = m;
      if (!last) throw new Error('no message streamed');
      return last;
    };
    const user = (id: string, text: string): UIMessage => ({
      id,
      role: 'user',
      parts: [{ type: 'text', text }],
    });
    const first = await turn([user('u1', 'Hi, I am Ada.')]);
    expect(first.role).toBe('assistant');
    expect(first.parts.filter((p) => p.type === 'text').map((p) => p.text)).toEqual(['Hello Ada.']);
    const second = await turn([user('u1', 'Hi, I am Ada.'), first, user('u2', 'Who am I?')]);
    expect(second.parts.filter((p) => p.type === 'text').map((p) => p.text)).toEqual([
      'You are Ada.',
    ]);
    // The message id is the run's: two turns, two runs.
    expect(second.id).not.toBe(first.id);
    expect(sent(1)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi, I am Ada.' },
      { role: 'assistant', content: 'Hello Ada.' },
      { role: 'user', content: 'Who am I?' },
    ]);
  });

  it('streams start, the text, finish and [DONE] in order, with the protocol header and seq ids', async () => {
    const graph = chatGraph();
    const graphId = await create(acme().writer, graph);
    llm.script({ text: 'One two three.' });
    // By id as well as by name.
    const res = await post(acme().writer, graphId, userMessage(threadId(), 'Count.'));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1');
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = await readSse(res);
    expect(shape(events)).toEqual([
      'start',
      'text-start',
      'text-delta',
      'text-end',
      'finish',
      '[DONE]',
    ]);
    const runId = res.headers.get('x-run-id');
    expect(events[0]?.part).toEqual({ type: 'start', messageId: runId });
    expect(textOf(events)).toBe('One two three.');
    expect(events.at(-2)?.part).toMatchObject({
      finishReason: 'stop',
      messageMetadata: { runId, status: 'SUCCEEDED' },
    });
    const ids = events.flatMap((e) => (e.id === undefined ? [] : [e.id]));
    expect(ids.length).toBeGreaterThan(0);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });

  it("streams an agent's tool call and its result between its two answers' text", async () => {
    const graph = {
      name: uniqueName('agent-chat'),
      entry: 'agent',
      nodes: [
        {
          id: 'agent',
          tool: 'agent',
          config: { output: 'reply', prompt: '{{state.message}}', tools: ['test_lookup'] },
        },
      ],
      edges: [],
    };
    await create(acme().writer, graph);
    llm.script(
      {
        text: 'Looking. ',
        toolCalls: [{ id: 'call-1', name: 'test_lookup', arguments: { word: 'ox' } }],
      },
      { text: 'An ox is a bovine.' },
    );
    const events = await readSse(
      await post(acme().writer, graph.name, userMessage(threadId(), 'ox?')),
    );
    expect(shape(events)).toEqual([
      'start',
      'text-start',
      'text-delta',
      'text-end',
      'tool-input-available',
      'tool-output-available',
      'text-start',
      'text-delta',
      'text-end',
      'finish',
      '[DONE]',
    ]);
    const parts = events.map((e) => e.part);
    expect(parts.find((p) => p.type === 'tool-input-available')).toEqual({
      type: 'tool-input-available',
      toolCallId: 'call-1',
      toolName: 'test_lookup',
      input: { word: 'ox' },
      dynamic: true,
    });
    expect(parts.find((p) => p.type === 'tool-output-available')).toMatchObject({
      toolCallId: 'call-1',
      output: { meaning: 'meaning of ox' },
    });
    expect(textOf(events)).toBe('Looking. An ox is a bovine.');
  });

  it('resumes a dropped stream after its last seq with every token exactly once', async () => {
    const graph = chatGraph();
    await create(acme().writer, graph);
    const chatId = threadId();
    let release: (v?: unknown) => void = () => {};
    const gate = new Promise((resolve) => {
      release = resolve;
    });
    llm.script({ chunks: ['alpha ', 'beta ', 'gamma ', 'delta'], pauseAfter: 2, resume: gate });
    const res = await post(acme().writer, graph.name, userMessage(chatId, 'Go.'));
    // Drop the connection once a text delta with a cursor arrived (the model is paused).
    const before = await readSse(res, (e) => e.part.type === 'text-delta' && e.id !== undefined);
    const cursor = before.at(-1)?.id;
    expect(cursor).toBeGreaterThan(0);
    expect(textOf(before).length).toBeGreaterThan(0);
    const after = resume(acme().reader, graph.name, chatId, `?after=${cursor}`);
    // useChat's resume (no cursor) replays the active run from its start.
    const replay = await resume(acme().reader, graph.name, chatId);
    expect(replay.status).toBe(200);
    release();
    const replayed = await readSse(replay);
    expect(replayed[0]?.part.type).toBe('start');
    expect(textOf(replayed)).toBe('alpha beta gamma delta');
    const rest = await readSse(await after);
    expect(rest[0]?.part.type).not.toBe('start');
    expect(rest.every((e) => e.id === undefined || e.id > (cursor ?? 0))).toBe(true);
    expect(textOf(before) + textOf(rest)).toBe('alpha beta gamma delta');
    expect(shape(rest).slice(-3)).toEqual(['text-end', 'finish', '[DONE]']);
    // Once the run has ended, the Last-Event-ID header gets the same remainder...
    const again = await readSse(
      await resume(acme().reader, graph.name, chatId, '', { 'last-event-id': String(cursor) }),
    );
    expect(textOf(again)).toBe(textOf(rest));
    // ...and useChat's resume without a cursor hears that nothing streams (204).
    expect((await resume(acme().reader, graph.name, chatId)).status).toBe(204);
  });

  it('asks for an interrupt as a data-interrupt part and goes on with the answer sent through the chat', async () => {
    const graph = {
      name: uniqueName('approve-chat'),
      entry: 'approve',
      nodes: [
        {
          id: 'approve',
          tool: 'human_input',
          config: { output: 'ok', prompt: 'Go on?', schema: { type: 'boolean' } },
        },
        { id: 'reply', tool: 'llm', config: { output: 'reply', prompt: '{{state.message}}' } },
      ],
      edges: [{ from: 'approve', to: 'reply' }],
    };
    await create(acme().writer, graph);
    const chatId = threadId();
    llm.script({ text: 'Done it.' });
    const asked = await readSse(
      await post(acme().writer, graph.name, userMessage(chatId, 'Do it.')),
    );
    expect(shape(asked)).toEqual(['start', 'data-interrupt', 'finish', '[DONE]']);
    const data = asked[1]?.part.data as { runId: string; interruptId: string };
    expect(asked[1]?.part).toMatchObject({
      type: 'data-interrupt',
      id: 'approve:1:1',
      data: {
        interruptId: 'approve:1:1',
        prompt: 'Go on?',
        schema: { type: 'boolean' },
        status: 'waiting',
      },
    });
    expect(asked[2]?.part).toMatchObject({ messageMetadata: { status: 'WAITING' } });
    const answer = (value: unknown) => ({
      id: chatId,
      messages: [],
      trigger: 'submit-message',
      answer: { runId: data.runId, interruptId: data.interruptId, value },
    });
    // An answer that does not match the schema is refused; the run keeps waiting.
    const bad = await post(acme().writer, graph.name, answer('yes'));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('BAD_USER_INPUT');
    // Another chat (thread) cannot answer this run.
    const elsewhere = { ...answer(true), id: threadId() };
    expect((await (await post(acme().writer, graph.name, elsewhere)).json()).error.code).toBe(
      'NOT_FOUND',
    );
    const went = await readSse(await post(acme().writer, graph.name, answer(true)));
    expect(shape(went)).toEqual([
      'start',
      'data-interrupt',
      'text-start',
      'text-delta',
      'text-end',
      'finish',
      '[DONE]',
    ]);
    expect(went[0]?.part).toEqual({ type: 'start', messageId: data.runId });
    expect(went[1]?.part).toMatchObject({
      id: 'approve:1:1',
      data: { status: 'answered', value: true },
    });
    expect(textOf(went)).toBe('Done it.');
    // The run has ended: a second answer is refused.
    const twice = await post(acme().writer, graph.name, answer(false));
    expect([twice.status, (await twice.json()).error.code]).toEqual([409, 'RUN_NOT_ACTIVE']);
  });

  it("takes the graph's configured input key and sends its output key when nothing streamed", async () => {
    await create(acme().writer, ASKER);
    llm.script({ text: 'Forty-two.' });
    const events = await readSse(
      await post(acme().writer, ASKER.name, userMessage(threadId(), 'Why?')),
    );
    expect(shape(events)).toEqual([
      'start',
      'text-start',
      'text-delta',
      'text-end',
      'finish',
      '[DONE]',
    ]);
    expect(textOf(events)).toBe('Forty-two.');
    expect(sent(0)).toEqual([{ role: 'user', content: 'Q: Why?' }]);
  });

  it('sends a failed run as an error part with its code, then finish', async () => {
    const graph = chatGraph();
    await create(acme().writer, graph);
    llm.script({ status: 400, message: 'bad request from the model' });
    const events = await readSse(
      await post(acme().writer, graph.name, userMessage(threadId(), 'x')),
    );
    expect(shape(events)).toEqual(['start', 'error', 'finish', '[DONE]']);
    expect(String(events[1]?.part.errorText)).toMatch(/^[A-Z_]+: /);
    expect(events[2]?.part).toMatchObject({
      finishReason: 'error',
      messageMetadata: { status: 'FAILED' },
    });
  });

  it('answers CORS for the configured origins only, as /graphql does', async () => {
    const preflight = (from: string) =>
      fetch(`${origin()}/chat/any`, {
        method: 'OPTIONS',
        headers: {
          origin: from,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
    const allowed = await preflight('https://chat.example');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://chat.example');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    const foreign = await preflight('https://evil.example');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses without a key (401), a reader (403), another tenant and an unknown graph (404), bad bodies (400)', async () => {
    const graph = chatGraph();
    await create(acme().writer, graph);
    const body = userMessage(threadId(), 'hi');
    const refused = async (res: Response) => [res.status, (await res.json()).error.code];
    expect(await refused(await post(undefined, graph.name, body))).toEqual([
      401,
      'UNAUTHENTICATED',
    ]);
    expect(await refused(await post('aef_nope', graph.name, body))).toEqual([
      401,
      'UNAUTHENTICATED',
    ]);
    expect(await refused(await post(acme().reader, graph.name, body))).toEqual([403, 'FORBIDDEN']);
    expect(await refused(await post(globex().writer, graph.name, body))).toEqual([
      404,
      'NOT_FOUND',
    ]);
    expect(await refused(await post(acme().writer, 'no-such-graph', body))).toEqual([
      404,
      'NOT_FOUND',
    ]);
    expect(await refused(await resume(undefined, graph.name, body.id))).toEqual([
      401,
      'UNAUTHENTICATED',
    ]);
    const malformed = await fetch(`${origin()}/chat/%E0%A4%A`, {
      method: 'POST',
      headers: { authorization: `Bearer ${acme().writer}` },
      body: JSON.stringify(body),
    });
    expect(await refused(malformed)).toEqual([400, 'BAD_USER_INPUT']);
    expect(await refused(await post(acme().writer, graph.name, '{not json'))).toEqual([
      400,
      'BAD_USER_INPUT',
    ]);
    const problems = await post(acme().writer, graph.name, { messages: [{ role: 'robot' }] });
    expect(problems.status).toBe(400);
    const message = (await problems.json()).error.message as string;
    expect(message).toContain('id');
    expect(message).toContain('messages.0.role');
    expect(
      await refused(await post(acme().writer, graph.name, { id: 'has space', messages: [] })),
    ).toEqual([400, 'INVALID_THREAD_ID']);
    const noText = { id: threadId(), messages: [{ id: 'a', role: 'assistant', parts: [] }] };
    expect(await refused(await post(acme().writer, graph.name, noText))).toEqual([
      400,
      'BAD_USER_INPUT',
    ]);
    expect(llm.requests).toHaveLength(0);
  });
});
