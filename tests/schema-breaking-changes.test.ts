import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  checkSchemaCompatibility,
  failed,
  loadAllowList,
  newestRelease,
  type BreakingChangesFile,
} from '../src/cli/schema-check-breaking';

/**
 * Issue 22 (ADR 013): `npm run schema:check-breaking` compares schema/schema.graphql with the newest
 * released schema; a break must be acknowledged in schema/breaking-changes.json, and a removal must
 * have gone through @deprecated first (or the entry says why not).
 */
const ROOT = path.join(__dirname, '..');
const released = `
type Query {
  me: Me!
  myReferral(id: ID!): Receipt
  oldReceipt(id: ID!): Receipt @deprecated(reason: "Use myReferral")
}
type Me { sub: String! agency: String! }
type Receipt { reference: String! status: Status! }
enum Status { RECEIVED DECIDED }
`;
const list = (accepted: BreakingChangesFile['accepted'] = []): BreakingChangesFile => ({ released: '0.1.0', accepted });

describe('breaking changes against the released schema', () => {
  it('given the checked-in schema and allow-list, then the check passes against the newest release', () => {
    const release = newestRelease();
    const allowList = loadAllowList();
    expect(release.version).toBe(allowList.released);
    const report = checkSchemaCompatibility(
      fs.readFileSync(release.file, 'utf8'),
      fs.readFileSync(path.join(ROOT, 'schema', 'schema.graphql'), 'utf8'),
      allowList,
    );
    expect(report.unlisted).toEqual([]);
    expect(report.notDeprecatedFirst).toEqual([]);
    expect(report.stale).toEqual([]);
  });

  it('given an unlisted break (a field removed, a type changed), then the check fails and names each', () => {
    const current = released.replace('  myReferral(id: ID!): Receipt\n', '').replace('agency: String!', 'agency: Int!');
    const report = checkSchemaCompatibility(released, current, list());
    expect(failed(report)).toBe(true);
    expect(report.unlisted).toEqual([
      { change: 'FIELD_REMOVED', description: 'Query.myReferral was removed.' },
      { change: 'FIELD_CHANGED_KIND', description: 'Me.agency changed type from String! to Int!.' },
    ]);
  });

  it('given a removal that was @deprecated in the release and is listed with issue and reason, then the check passes', () => {
    const current = released.replace('  oldReceipt(id: ID!): Receipt @deprecated(reason: "Use myReferral")\n', '');
    const report = checkSchemaCompatibility(
      released,
      current,
      list([
        {
          change: 'FIELD_REMOVED',
          description: 'Query.oldReceipt was removed.',
          issue: 22,
          reason: 'deprecated in 0.1.0',
        },
      ]),
    );
    expect(failed(report)).toBe(false);
    expect(report.accepted).toHaveLength(1);
  });

  it('given a listed removal that was never deprecated, then it fails unless the entry says why it could not be', () => {
    const current = released.replace(' DECIDED', '');
    const entry = {
      change: 'VALUE_REMOVED_FROM_ENUM',
      description: 'DECIDED was removed from enum type Status.',
      issue: 22,
      reason: 'merged into RECEIVED',
    };
    expect(checkSchemaCompatibility(released, current, list([entry])).notDeprecatedFirst).toEqual([
      'DECIDED was removed from enum type Status.',
    ]);
    const justified = checkSchemaCompatibility(
      released,
      current,
      list([
        {
          ...entry,
          removedWithoutDeprecation: 'the value disclosed a sealed decision; it could not stay a release longer',
        },
      ]),
    );
    expect(failed(justified)).toBe(false);
  });

  it('given an allow-list entry that matches no change, then the check fails (the list describes what is really there)', () => {
    const report = checkSchemaCompatibility(
      released,
      released,
      list([{ change: 'FIELD_REMOVED', description: 'Query.me was removed.', issue: 22, reason: 'never happened' }]),
    );
    expect(report.stale).toHaveLength(1);
    expect(failed(report)).toBe(true);
  });

  it('given an added enum value, then it is reported as dangerous and does not fail', () => {
    const report = checkSchemaCompatibility(
      released,
      released.replace('RECEIVED DECIDED', 'RECEIVED DECIDED WITHDRAWN'),
      list(),
    );
    expect(failed(report)).toBe(false);
    expect(report.dangerous).toEqual([
      { change: 'VALUE_ADDED_TO_ENUM', description: 'WITHDRAWN was added to enum type Status.' },
    ]);
  });

  it('given the command on a schema with an unlisted break, then it exits 1 naming the break and how to acknowledge it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-breaking-'));
    fs.mkdirSync(path.join(dir, 'released'));
    fs.writeFileSync(path.join(dir, 'released', '0.1.0.graphql'), released);
    fs.writeFileSync(path.join(dir, 'schema.graphql'), released.replace('  myReferral(id: ID!): Receipt\n', ''));
    fs.writeFileSync(path.join(dir, 'breaking-changes.json'), JSON.stringify(list()));
    const run = promisify(execFile)(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        path.join(ROOT, 'src/cli/schema-check-breaking.ts'),
        '--schema',
        path.join(dir, 'schema.graphql'),
        '--released',
        path.join(dir, 'released'),
        '--allow-list',
        path.join(dir, 'breaking-changes.json'),
      ],
      { cwd: ROOT },
    );
    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('BREAKING, not acknowledged: FIELD_REMOVED: Query.myReferral was removed.'),
    });
    await expect(run).rejects.toMatchObject({ stderr: expect.stringContaining('schema/breaking-changes.json') });
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
