/**
 * API keys from the command line (`npm run apikey -- <command>`), against the database the server
 * uses (DATABASE_URL, read by loadConfig): the way to make the first admin key under AUTH=apikey.
 *
 *   create --tenant NAME --role admin|writer|reader [--name LABEL]   the key is the last line
 *   list [--tenant NAME]                                             never hashes, never keys
 *   revoke ID
 *
 * Exit codes: 0 done, 1 failed (database, unknown key), 2 bad arguments (usage printed).
 */
import { parseArgs } from 'node:util';
import { createApiKeys } from '../src/auth/api-keys.js';
import { isRole, TENANT_PATTERN } from '../src/auth/identity.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/persistence/database.js';
import { createPrismaApiKeyStore } from '../src/persistence/prisma-api-key-store.js';

const USAGE = `Usage: npm run apikey -- <command>

  create --tenant NAME --role admin|writer|reader [--name LABEL]
      Creates a key and prints it on the last line. It is shown once: store it now.
  list [--tenant NAME]
      Lists keys (id, tenant, role, name, created, revoked); never the keys or their hashes.
  revoke ID
      Revokes the key with that id (servers stop accepting it within 5 seconds).

The database is DATABASE_URL (default file:./data/dev.db), as for the server.
Send a key as "Authorization: Bearer <key>" (graphql-ws: connection_init { "authorization": "Bearer <key>" }).`;

class UsageError extends Error {}

interface Command {
  name: 'create' | 'list' | 'revoke';
  tenant?: string;
  role?: string;
  label?: string;
  id?: string;
}

function parseCommand(argv: readonly string[]): Command {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h')
    throw new UsageError('');
  let parsed: ReturnType<typeof parseArgs>;
  const options = {
    tenant: { type: 'string' },
    role: { type: 'string' },
    name: { type: 'string' },
  } as const;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed as {
    values: { tenant?: string; role?: string; name?: string };
    positionals: string[];
  };
  const noPositionals = () => {
    if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  };
  switch (name) {
    case 'create': {
      noPositionals();
      if (!values.tenant) throw new UsageError('create needs --tenant NAME.');
      if (!TENANT_PATTERN.test(values.tenant))
        throw new UsageError(
          `Tenant "${values.tenant}" is not a valid name: use 1-64 letters, digits, '.', '_' or '-'.`,
        );
      if (!values.role) throw new UsageError('create needs --role admin|writer|reader.');
      if (!isRole(values.role))
        throw new UsageError(`--role must be admin, writer or reader, got "${values.role}".`);
      return {
        name,
        tenant: values.tenant,
        role: values.role,
        ...(values.name ? { label: values.name } : {}),
      };
    }
    case 'list':
      noPositionals();
      if (values.role || values.name) throw new UsageError('list takes only --tenant NAME.');
      return { name, ...(values.tenant ? { tenant: values.tenant } : {}) };
    case 'revoke':
      if (values.tenant || values.role || values.name)
        throw new UsageError('revoke takes only the key id.');
      if (positionals.length !== 1) throw new UsageError('revoke needs exactly one key ID.');
      return { name, id: positionals[0]! };
    default:
      throw new UsageError(`Unknown command "${name}".`);
  }
}

async function run(command: Command): Promise<number> {
  const config = loadConfig();
  const db = await openDatabase(config.databaseUrl, { busyTimeoutMs: 5_000, poolSize: 1 });
  try {
    const keys = createApiKeys(createPrismaApiKeyStore(db));
    if (command.name === 'create') {
      const { key, record } = await keys.create({
        tenantId: command.tenant!,
        role: command.role as 'reader',
        name: command.label ?? null,
      });
      console.log(
        `Created ${record.role} key ${record.id} for tenant "${record.tenantId}"${record.name ? ` (${record.name})` : ''}.`,
      );
      console.log('It is shown once, now; send it as "Authorization: Bearer <key>":');
      console.log(key);
      return 0;
    }
    if (command.name === 'list') {
      const list = await keys.list(command.tenant);
      if (list.length === 0) {
        console.log(command.tenant ? `No keys in tenant "${command.tenant}".` : 'No keys.');
        return 0;
      }
      const rows = [
        ['ID', 'TENANT', 'ROLE', 'NAME', 'CREATED', 'REVOKED'],
        ...list.map((k) => [
          k.id,
          k.tenantId,
          k.role,
          k.name ?? '-',
          k.createdAt.toISOString(),
          k.revokedAt ? k.revokedAt.toISOString() : '-',
        ]),
      ];
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
      for (const row of rows)
        console.log(
          row
            .map((cell, i) => cell.padEnd(widths[i]!))
            .join('  ')
            .trimEnd(),
        );
      return 0;
    }
    const revoked = await keys.revoke(command.id!);
    if (!revoked) {
      console.error(`No active key with id "${command.id}" (unknown or already revoked).`);
      return 1;
    }
    console.log(`Revoked key ${command.id}.`);
    return 0;
  } finally {
    await db.close();
  }
}

async function main(): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    if (err.message) console.error(err.message);
    console.error(USAGE);
    return err.message ? 2 : process.argv.length > 2 ? 0 : 2;
  }
  return run(command);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
