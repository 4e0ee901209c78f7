import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { type OpenAIServer, startOpenAIServer } from '../helpers/openai-server.js';
import { buildDashboardIfStale, describeBrowser, launchBrowser, openPage } from './browser.js';
import { type DashboardApp, saveGraph, startDashboardApp } from './dashboard-app.js';

/**
 * The dashboard's chat page (useChat over /chat/<graph>) in Chromium against a real server and
 * the scripted model server: a message typed, the answer streamed in, a second turn on the same
 * thread, and an interrupt approved from the chat. No CSP violation, no request off the machine.
 */
const CHAT = {
  name: 'chatty',
  entry: 'reply',
  nodes: [
    {
      id: 'reply',
      tool: 'llm',
      config: { output: 'reply', system: 'Be brief.', prompt: '{{state.message}}' },
    },
  ],
  edges: [],
};

const APPROVAL = {
  name: 'careful',
  entry: 'approve',
  nodes: [
    {
      id: 'approve',
      tool: 'human_input',
      config: { output: 'ok', prompt: 'Send the email?', schema: { type: 'boolean' } },
    },
    { id: 'reply', tool: 'llm', config: { output: 'reply', prompt: '{{state.message}}' } },
  ],
  edges: [{ from: 'approve', to: 'reply' }],
};

describeBrowser('dashboard chat page in Chromium', () => {
  let llm: OpenAIServer;
  let t: DashboardApp;
  let browser: Browser;
  let page: Page & { problems: string[] };

  beforeAll(async () => {
    await buildDashboardIfStale();
    llm = await startOpenAIServer();
    [t, browser] = await Promise.all([
      startDashboardApp({ LLM_BASE_URL: llm.baseURL, LLM_MODEL: 'scripted-model' }),
      launchBrowser(),
    ]);
    await saveGraph(t, CHAT);
    await saveGraph(t, APPROVAL);
    page = await openPage(browser);
    page.setDefaultTimeout(15_000);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await llm?.close();
  });
  afterEach(() => expect(page.problems.splice(0)).toEqual([]));

  const send = async (text: string) => {
    await page.fill('[data-testid="chat-message"]', text);
    await page.click('[data-testid="chat-send"]');
  };
  const idle = () => page.waitForSelector('[data-testid="chat"][data-status="ready"]');

  it('streams the answer to a typed message, and keeps the thread for the next one', async () => {
    llm.script({ chunks: ['Hello ', 'from ', 'the ', 'graph.'] }, { text: 'You said hi before.' });
    await page.goto(`${t.base}/chat/${CHAT.name}`);
    await send('Hi there');
    await page.waitForSelector('[data-testid="chat-user"]:has-text("Hi there")');
    await page.waitForSelector(
      '[data-testid="chat-assistant"] [data-testid="chat-text"]:has-text("Hello from the graph.")',
    );
    await idle();
    await send('Remember me?');
    await page.waitForSelector('[data-testid="chat-text"]:has-text("You said hi before.")');
    await idle();
    expect(await page.locator('[data-testid="chat-assistant"]').count()).toBe(2);
    // The second run is on the page's thread: the model heard the first turn.
    const messages = llm.requests[1]?.body.messages as Array<{ role: string; content: unknown }>;
    expect(messages.map((m) => m.content)).toEqual([
      'Be brief.',
      'Hi there',
      'Hello from the graph.',
      'Remember me?',
    ]);
    // The chat id is in the URL, so a reload finds the same thread.
    expect(new URL(page.url()).searchParams.get('chat')).toMatch(/^chat-/);
  });

  it('asks the question of an interrupt in the chat and goes on once it is approved', async () => {
    llm.script({ text: 'Email sent.' });
    await page.goto(`${t.base}/chat/${APPROVAL.name}`);
    await send('Email Bob');
    const question = page.locator('[data-testid="chat-interrupt"][data-status="waiting"]');
    await question.waitFor();
    expect(await question.textContent()).toContain('Send the email?');
    await question.locator('button:has-text("Approve")').click();
    await page.waitForSelector('[data-testid="chat-interrupt"][data-status="answered"]');
    await page.waitForSelector('[data-testid="chat-text"]:has-text("Email sent.")');
    await idle();
  });
});

describeBrowser('dashboard chat page with AUTH=apikey in Chromium', () => {
  let llm: OpenAIServer;
  let t: DashboardApp;
  let browser: Browser;
  let key: string;

  beforeAll(async () => {
    await buildDashboardIfStale();
    llm = await startOpenAIServer();
    [t, browser] = await Promise.all([
      startDashboardApp({ AUTH: 'apikey', LLM_BASE_URL: llm.baseURL, LLM_MODEL: 'scripted' }),
      launchBrowser(),
    ]);
    ({ key } = await t.app.apiKeys.create({ tenantId: 'acme', role: 'writer', name: 'chat' }));
    await saveGraph(t, CHAT, key);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await llm?.close();
  });

  it('asks for a key when the chat endpoint refuses, then chats with it', async () => {
    llm.script({ text: 'Hello, acme.' });
    const page = await openPage(browser);
    await page.goto(`${t.base}/chat/${CHAT.name}`);
    await page.waitForSelector('[data-testid="auth-prompt"]');
    await page.fill('#credential', key);
    await page.click('[data-testid="auth-prompt"] button');
    await page.fill('[data-testid="chat-message"]', 'Hi');
    await page.click('[data-testid="chat-send"]');
    await page.waitForSelector('[data-testid="chat-text"]:has-text("Hello, acme.")');
    // The run went on the page's thread, in the key's tenant.
    const chatId = new URL(page.url()).searchParams.get('chat');
    const { thread } = await t.gql<{ thread: { runs: unknown[] } | null }>(
      'query($id: ID!) { thread(id: $id) { runs { id } } }',
      { id: chatId },
      key,
    );
    expect(thread?.runs).toHaveLength(1);
  });
});
