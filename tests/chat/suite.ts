/**
 * The chat transport suites' set-up: one listening app per backend (SQLite, and PostgreSQL when
 * reachable) with AUTH=apikey and two tenants, the scripted model server, a `test_lookup` tool
 * for agents, and requests to /chat with a credential.
 */
import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import { z } from 'zod';
import type { GraphDef } from '../../src/engine/graph.js';
import { defineTool } from '../../src/tools/define-tool.js';
import { call, dataOf, type Keys, keysFor } from '../api/auth-helpers.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { backends } from '../helpers/databases.js';
import type { OpenAIServer } from '../helpers/openai-server.js';
import type { ChatBody } from './sse.js';

export const lookup = defineTool({
  name: 'test_lookup',
  description: 'Looks a word up',
  input: z.object({ word: z.string() }),
  run: async ({ input }) => ({ meaning: `meaning of ${input.word}` }),
});

/** A graph whose chat input key is `question` and whose answer (not streamed) is `answer`. */
export const ASKER: GraphDef = {
  name: 'asker',
  entry: 'answer',
  nodes: [
    {
      id: 'answer',
      tool: 'llm',
      config: { output: 'answer', prompt: 'Q: {{state.question}}', stream: false },
    },
  ],
  edges: [],
};

export interface ChatSuite {
  t(): TestApp;
  acme(): Keys;
  globex(): Keys;
  /** The server's origin (`http://127.0.0.1:<port>`). */
  origin(): string;
  create(key: string, def: GraphDef): Promise<string>;
  /** POST /chat/<graph> with the body (a credential when given). */
  post(key: string | undefined, graph: string, body: unknown): Promise<Response>;
  /** GET /chat/<graph>/<chatId>/stream with a query and headers. */
  resume(
    key: string | undefined,
    graph: string,
    chatId: string,
    query?: string,
    headers?: Record<string, string>,
  ): Promise<Response>;
}

const CREATE = `mutation($input: GraphInput!) { createGraph(input: $input) { id } }`;
const auth = (key: string | undefined): Record<string, string> =>
  key === undefined ? {} : { authorization: `Bearer ${key}` };

export async function chatSuites(
  title: string,
  llm: OpenAIServer,
  body: (s: ChatSuite) => void,
): Promise<void> {
  for (const { name, skip } of await backends()) {
    describe(`${title} (${name})`, () => {
      if (skip) {
        it.skip(skip, () => {});
        return;
      }
      let app: TestApp | undefined;
      let acme: Keys | undefined;
      let globex: Keys | undefined;
      beforeAll(async () => {
        app = await createTestApp({
          backend: name,
          env: {
            SEED_EXAMPLES: 'false',
            AUTH: 'apikey',
            LLM_BASE_URL: llm.baseURL,
            LLM_MODEL: 'scripted-model',
            CORS_ORIGINS: 'https://chat.example',
          },
          app: { tools: [lookup], chat: { [ASKER.name]: { input: 'question', output: 'answer' } } },
        });
        await app.listen();
        acme = await keysFor(app, 'acme');
        globex = await keysFor(app, 'globex');
      });
      afterAll(() => app?.close());
      beforeEach(() => llm.reset());
      const need = <T>(value: T | undefined): T => {
        if (value === undefined) throw new Error('the test app did not start');
        return value;
      };
      const s: ChatSuite = {
        t: () => need(app),
        acme: () => need(acme),
        globex: () => need(globex),
        origin: () => new URL(need(app).url).origin,
        create: async (key, def) =>
          dataOf(
            await call<{ createGraph: { id: string } }>(need(app), key, CREATE, { input: def }),
          ).createGraph.id,
        post: (key, graph, chat: unknown) =>
          fetch(`${s.origin()}/chat/${encodeURIComponent(graph)}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...auth(key) },
            body: typeof chat === 'string' ? chat : JSON.stringify(chat as ChatBody),
          }),
        resume: (key, graph, chatId, query = '', headers = {}) =>
          fetch(
            `${s.origin()}/chat/${encodeURIComponent(graph)}/${encodeURIComponent(chatId)}/stream${query}`,
            { headers: { ...auth(key), ...headers } },
          ),
      };
      body(s);
    });
  }
}
