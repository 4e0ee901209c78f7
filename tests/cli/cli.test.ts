import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli } from '../../src/cli/main.js';
import { uniqueName } from '../api/operations.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

describe('the aef CLI (against a real server)', () => {
  let t: TestApp;
  const dir = mkdtempSync(join(tmpdir(), 'aef-cli-'));
  beforeAll(async () => {
    t = await createTestApp({ env: { SEED_EXAMPLES: 'false' } });
    await t.listen();
  });
  afterAll(async () => t?.close());

  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(
      [...argv, '--url', t.url],
      {},
      { out: (l) => out.push(l), err: (l) => err.push(l) },
    );
    return { code, out, err };
  };
  const chain = (name: string, value = 1) => ({
    name,
    state: { trail: { reducer: 'append', default: [] } },
    nodes: [
      { id: 'a', tool: 'set_state', config: { values: { trail: 'a', v: value } } },
      {
        id: 'b',
        tool: 'fail',
        config: { failTimes: 1, values: { trail: 'b' } },
        retry: { maxAttempts: 2, initialDelayMs: 1, backoff: 1 },
      },
    ],
    edges: [{ from: 'a', to: 'b' }],
    entry: 'a',
  });

  it('applies graphs from YAML and JSON: created, then unchanged, then a new version when changed', async () => {
    const one = uniqueName('cli-one');
    const two = uniqueName('cli-two');
    const yamlFile = join(dir, 'graphs.yaml');
    writeFileSync(yamlFile, stringify({ graphs: [chain(one), chain(two)] }));
    const first = await cli('apply', yamlFile);
    expect(first.code).toBe(0);
    expect(first.out).toEqual([
      expect.stringMatching(new RegExp(`^created ${one} \\(.+, version 1\\)$`)),
      expect.stringMatching(new RegExp(`^created ${two} \\(.+, version 1\\)$`)),
    ]);
    expect((await cli('apply', yamlFile)).out.map((l) => l.split(' ')[0])).toEqual([
      'unchanged',
      'unchanged',
    ]);
    const jsonFile = join(dir, 'one.json');
    writeFileSync(jsonFile, JSON.stringify(chain(one, 2)));
    const changed = await cli('apply', jsonFile);
    expect(changed.out).toEqual([
      expect.stringMatching(new RegExp(`^updated ${one} .*version 2\\)$`)),
    ]);
  });

  it('starts a run and follows it to the end: progress on stderr, the final state on stdout', async () => {
    const name = uniqueName('cli-run');
    writeFileSync(join(dir, 'run.json'), JSON.stringify(chain(name)));
    await cli('apply', join(dir, 'run.json'));
    const res = await cli('run', name, '--input', '{"start":true}', '--follow');
    expect(res.code, res.err.join('\n')).toBe(0);
    expect(res.err.some((l) => /NODE_RETRYING\s+b .*retry in/.test(l))).toBe(true);
    expect(res.err.at(-1)).toMatch(/RUN_SUCCEEDED/);
    expect(JSON.parse(res.out.join('\n'))).toMatchObject({ start: true, trail: ['a', 'b'], v: 1 });

    // tail: the same run's events as JSON lines, replayed from the store.
    const runId = /run (\S+) /.exec(res.err[0] ?? '')?.[1] ?? '';
    const tail = await cli('tail', runId);
    expect(tail.code).toBe(0);
    const events = tail.out.map((l) => JSON.parse(l) as { seq: number; type: string });
    expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i + 1));
    expect(events.at(-1)?.type).toBe('RUN_SUCCEEDED');
    expect((await cli('list', '--graph', name)).out).toEqual([
      expect.stringContaining(`${runId}  SUCCEEDED`),
    ]);
  });

  it('exits 1 when the followed run fails, and with the API error code', async () => {
    const name = uniqueName('cli-fail');
    writeFileSync(
      join(dir, 'fail.json'),
      JSON.stringify({
        name,
        nodes: [{ id: 'x', tool: 'fail', config: { retryable: false } }],
        edges: [],
        entry: 'x',
      }),
    );
    await cli('apply', join(dir, 'fail.json'));
    const res = await cli('run', name, '--follow', '--json');
    expect(res.code).toBe(1);
    expect(JSON.parse(res.out.at(-1) ?? '{}')).toMatchObject({ type: 'RUN_FAILED' });
    const missing = await cli('run', 'no-such-graph');
    expect(missing.code).toBe(1);
    expect(missing.err.at(-1)).toMatch(/^error NOT_FOUND: /);
  });

  it('cancels a run; bad arguments exit 2 with the usage', async () => {
    const name = uniqueName('cli-slow');
    writeFileSync(
      join(dir, 'slow.json'),
      JSON.stringify({
        name,
        nodes: [{ id: 'w', tool: 'delay', config: { ms: 60_000 } }],
        edges: [],
        entry: 'w',
      }),
    );
    await cli('apply', join(dir, 'slow.json'));
    const started = await cli('run', name);
    const runId = started.out[0] ?? '';
    expect((await cli('cancel', runId)).out).toEqual([`${runId} CANCELLED`]);
    const bad = await cli('frobnicate');
    expect(bad.code).toBe(2);
    expect(bad.err.join('\n')).toContain('Usage: aef');
  });

  it("lists a waiting run's questions and answers one", async () => {
    const name = uniqueName('cli-ask');
    writeFileSync(
      join(dir, 'ask.json'),
      JSON.stringify({
        name,
        nodes: [
          {
            id: 'ask',
            tool: 'human_input',
            config: {
              output: 'answer',
              prompt: 'Ship it?',
              schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
            },
          },
        ],
        edges: [],
        entry: 'ask',
      }),
    );
    await cli('apply', join(dir, 'ask.json'));
    const runId = (await cli('run', name)).out[0] ?? '';
    let listed: string[] = [];
    for (let i = 0; i < 200 && listed.length === 0; i++) {
      listed = (await cli('answer', runId)).out;
      if (listed.length === 0) await new Promise((r) => setTimeout(r, 25));
    }
    expect(listed).toEqual([expect.stringMatching(/^ask:1:1 {2}Ship it\? {2}\{"type":"object"/)]);
    const bad = await cli('answer', runId, 'ask:1:1', '{"ok":"yes"}');
    expect(bad.code).toBe(1);
    expect(bad.err.at(-1)).toMatch(/^error BAD_USER_INPUT: /);
    expect((await cli('answer', runId, 'ask:1:1', 'not json')).code).toBe(2);
    const done = await cli('answer', runId, 'ask:1:1', '{"ok":true}');
    expect(done.code).toBe(0);
    expect(done.out[0]).toMatch(new RegExp(`^${runId} `));
  });

  it('runs as the package bin', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/cli/bin.ts', 'list', '--first', '1', '--url', t.url],
      { cwd: join(import.meta.dirname, '..', '..') },
    );
    expect(stdout.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
