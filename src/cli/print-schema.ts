/** Writes schema/schema.graphql (sorted). `npm run schema:print`; a test fails when it drifts. */
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { printSortedSchema } from '../app/schema';

const target = path.join(__dirname, '..', '..', 'schema', 'schema.graphql');
fs.writeFileSync(target, printSortedSchema());
process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
