/** Writes schema.graphql from the code-first schema (`npm run schema:print`). */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printSchemaSdl } from '../src/schema/index.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema.graphql');
writeFileSync(out, printSchemaSdl());
console.log(`wrote ${out}`);
