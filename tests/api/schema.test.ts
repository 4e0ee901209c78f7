import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS, renderSchema, schemaPath } from '../../scripts/prisma-schemas.js';
import { getDatamodel } from '../../src/generated/sqlite/pothos-types.js';
import { type Database, openDatabase } from '../../src/persistence/database.js';
import { printSchemaSdl } from '../../src/schema/index.js';
import { backends, openTestDatabase, type TestDatabase } from '../helpers/databases.js';

const root = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Column {
  name: string;
  /** The column type as the database names it, lower case. */
  type: string;
  nullable: boolean;
  primaryKey: boolean;
}
type Tables = Record<string, Column[]>;

/** The scalar fields of every model of the generated client, as the columns they should be. */
function modelColumns(): Record<
  string,
  Array<{ name: string; type: string; required: boolean; id: boolean }>
> {
  const models = getDatamodel().datamodel.models;
  return Object.fromEntries(
    Object.entries(models).map(([model, { fields, primaryKey }]) => [
      model,
      fields
        .filter((f) => f.kind === 'scalar' || f.kind === 'enum')
        .map((f) => ({
          name: f.name,
          type: f.type,
          required: f.isRequired,
          id: f.isId || (primaryKey?.fields.includes(f.name) ?? false),
        })),
    ]),
  );
}

/** Prisma scalar type -> the column type each migration gives it. */
const COLUMN_TYPE: Record<string, Record<string, string>> = {
  sqlite: {
    String: 'text',
    Int: 'integer',
    DateTime: 'datetime',
    Json: 'jsonb',
    Boolean: 'boolean',
    Float: 'real',
  },
  postgresql: {
    String: 'text',
    Int: 'integer',
    DateTime: 'timestamp without time zone',
    Json: 'jsonb',
    Boolean: 'boolean',
    Float: 'double precision',
  },
};

const IGNORED_TABLES = new Set(['_prisma_migrations']);

async function sqliteTables(db: Database): Promise<Tables> {
  const names = await db.prisma.$queryRawUnsafe<Array<{ name: string }>>(
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
  );
  const tables: Tables = {};
  for (const { name } of names) {
    const info = await db.prisma.$queryRawUnsafe<
      Array<{ name: string; type: string; notnull: number | bigint; pk: number | bigint }>
    >(`PRAGMA table_info("${name}")`);
    tables[name] = info.map((c) => ({
      name: c.name,
      type: c.type.toLowerCase(),
      nullable: Number(c.notnull) === 0,
      primaryKey: Number(c.pk) > 0,
    }));
  }
  return tables;
}

async function postgresTables(db: Database): Promise<Tables> {
  const rows = await db.prisma.$queryRawUnsafe<
    Array<{ table: string; column: string; type: string; nullable: string; pk: boolean }>
  >(`SELECT c.table_name AS "table", c.column_name AS "column", c.data_type AS "type",
       c.is_nullable AS "nullable",
       EXISTS (
         SELECT 1 FROM information_schema.table_constraints t
         JOIN information_schema.key_column_usage k
           ON k.constraint_name = t.constraint_name AND k.table_schema = t.table_schema
         WHERE t.constraint_type = 'PRIMARY KEY' AND t.table_schema = c.table_schema
           AND t.table_name = c.table_name AND k.column_name = c.column_name
       ) AS "pk"
     FROM information_schema.columns c
     WHERE c.table_schema = current_schema()
     ORDER BY c.table_name, c.ordinal_position`);
  const tables: Tables = {};
  for (const r of rows) {
    tables[r.table] ??= [];
    tables[r.table]?.push({
      name: r.column,
      type: r.type.toLowerCase(),
      nullable: r.nullable === 'YES',
      primaryKey: r.pk,
    });
  }
  return tables;
}

describe('generated files are up to date', () => {
  it('schema.graphql is what the code prints', () => {
    expect(read('schema.graphql'), 'schema.graphql is stale: run npm run schema:print').toBe(
      printSchemaSdl(),
    );
  });

  it.each(PROVIDERS)('prisma/%s/schema.prisma is rendered from prisma/models.prisma', (p) => {
    const models = read('prisma/models.prisma');
    expect(
      readFileSync(schemaPath(p), 'utf8'),
      `${schemaPath(p)} is stale: run npm run prisma:schemas`,
    ).toBe(renderSchema(p, models));
  });

  it('the generated client has every model and scalar field of prisma/models.prisma', () => {
    const source = read('prisma/models.prisma');
    const declared: Record<string, string[]> = {};
    for (const [, model, body] of source.matchAll(/^model (\w+) \{([^}]*)\}/gm)) {
      declared[model as string] = [
        ...(body as string).matchAll(/^\s+(\w+)\s+(String|Int|DateTime|Json|Boolean|Float)\b/gm),
      ].map((m) => m[1] as string);
    }
    const generated = Object.fromEntries(
      Object.entries(modelColumns()).map(([m, cols]) => [m, cols.map((c) => c.name)]),
    );
    expect(generated, 'the Prisma client is stale: run npm run prisma:generate').toEqual(declared);
  });
});

for (const { name: backend, skip } of await backends()) {
  describe(`database after migrations matches the Prisma models (${backend})`, () => {
    if (skip) {
      it.skip(skip, () => {});
      return;
    }
    let tdb: TestDatabase;
    let db: Database;
    let tables: Tables;
    beforeAll(async () => {
      tdb = await openTestDatabase(backend);
      db = await openDatabase(tdb.url);
      tables = backend === 'sqlite' ? await sqliteTables(db) : await postgresTables(db);
      for (const t of IGNORED_TABLES) delete tables[t];
    });
    afterAll(async () => {
      await db?.close();
      await tdb?.drop();
    });

    it('has one table per model and no other', () => {
      expect(Object.keys(tables).sort()).toEqual(Object.keys(modelColumns()).sort());
    });

    it('has a column for every model field, with its type, nullability and key', () => {
      for (const [model, fields] of Object.entries(modelColumns())) {
        for (const field of fields) {
          const column = tables[model]?.find((c) => c.name === field.name);
          const where = `${model}.${field.name}`;
          expect(column, `${where} has no column`).toBeDefined();
          expect(column?.type, `${where} type`).toBe(COLUMN_TYPE[backend]?.[field.type]);
          expect(column?.nullable, `${where} nullable`).toBe(!field.required);
          expect(column?.primaryKey, `${where} primary key`).toBe(field.id);
        }
      }
    });

    it('has no column that the models lack', () => {
      const models = modelColumns();
      for (const [table, columns] of Object.entries(tables)) {
        const fields = new Set(models[table]?.map((f) => f.name));
        const extra = columns.map((c) => c.name).filter((c) => !fields.has(c));
        expect(extra, `${table} has columns missing from prisma/models.prisma`).toEqual([]);
      }
    });
  });
}
