import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type ApiClient, CliError, createApiClient } from './client.js';
import { answer, apply, cancel, follow, type Io, list, start } from './commands.js';

export const USAGE = `Usage: aef <command> [options]

  apply FILE...                 create each graph of the JSON/YAML files, or save a new version
                                only when its definition changed
  run GRAPH [--input JSON|@FILE] [--idempotency-key KEY] [--follow] [--json]
                                start a run of GRAPH (name or id); --follow shows its progress
                                and exits 0 when it succeeds, 1 when it fails or is cancelled
  list [--graph GRAPH] [--status STATUS] [--first N]
                                the latest runs
  cancel RUN                    cancel a run
  answer RUN [INTERRUPT JSON]   list a waiting run's questions, or answer one (resumeRun)
  tail RUN [--after SEQ]        a run's events as JSON lines, stored then live, until it ends

Options: --url URL (AEF_URL; default http://127.0.0.1:4000/graphql)
         --token KEY (AEF_TOKEN: an API key or a JWT, sent as Authorization: Bearer)
Exit codes: 0 done, 1 failed (the run, or the API refused), 2 bad arguments.`;

class UsageError extends Error {}

function parseInput(raw: string | undefined): unknown {
  if (raw === undefined) return {};
  const text = raw.startsWith('@') ? readFileSync(raw.slice(1), 'utf8') : raw;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--input is not JSON: ${(err as Error).message}`);
  }
}

/** Runs one command line; returns the exit code. `env` is read here only (AEF_URL, AEF_TOKEN). */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined>,
  io: Io,
  connect: (url: string, token?: string) => ApiClient = createApiClient,
): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        input: { type: 'string' },
        'idempotency-key': { type: 'string' },
        follow: { type: 'boolean', short: 'f' },
        json: { type: 'boolean' },
        graph: { type: 'string' },
        status: { type: 'string' },
        first: { type: 'string' },
        after: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const [command, ...args] = positionals;
    if (values.help || !command) {
      io.out(USAGE);
      return values.help ? 0 : 2;
    }
    const token = values.token ?? env.AEF_TOKEN;
    const api = connect(
      values.url ?? env.AEF_URL ?? 'http://127.0.0.1:4000/graphql',
      token || undefined,
    );
    const one = (what: string) => {
      if (args.length !== 1 || !args[0]) throw new UsageError(`${command} takes one ${what}`);
      return args[0];
    };
    switch (command) {
      case 'apply':
        if (args.length === 0) throw new UsageError('apply takes one or more files');
        await apply(api, io, args);
        return 0;
      case 'run': {
        const run = await start(
          api,
          one('graph'),
          parseInput(values.input),
          values['idempotency-key'],
        );
        io.err(`run ${run.id} ${run.status}`);
        if (!values.follow) {
          io.out(run.id);
          return 0;
        }
        const end = await follow(api, io, run.id, values.json === true);
        return end === 'RUN_SUCCEEDED' ? 0 : 1;
      }
      case 'list':
        await list(api, io, {
          graph: values.graph,
          status: values.status,
          first: Number(values.first ?? 20),
        });
        return 0;
      case 'cancel':
        await cancel(api, io, one('run id'));
        return 0;
      case 'answer': {
        if (args.length !== 1 && args.length !== 3)
          throw new UsageError('answer takes RUN, or RUN INTERRUPT JSON');
        const [runId, interruptId, raw] = args as [string, string?, string?];
        let value: unknown;
        if (raw !== undefined) {
          try {
            value = JSON.parse(raw);
          } catch (err) {
            throw new UsageError(`the answer is not JSON: ${(err as Error).message}`);
          }
        }
        await answer(api, io, runId, interruptId, value);
        return 0;
      }
      case 'tail': {
        const end = await follow(api, io, one('run id'), true, Number(values.after ?? 0));
        return end === 'RUN_SUCCEEDED' ? 0 : 1;
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (
      err instanceof UsageError ||
      (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
    ) {
      io.err(`${(err as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof CliError) {
      io.err(`error${err.code ? ` ${err.code}` : ''}: ${err.message}`);
      return 1;
    }
    io.err(`error: ${(err as Error)?.message ?? String(err)}`);
    return 1;
  }
}
