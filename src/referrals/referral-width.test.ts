import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, type GraphQLObjectType } from 'graphql';
import { referralWidth } from './referrals.repository';

describe('referralWidth: the columns a page of referrals reads', () => {
  it('reads the selected columns, the cursor keys and only the derived values asked for', () => {
    const w = referralWidth(new Set(['reference', 'waitingOn', '__typename']))!;
    expect([...w.shape.properties].sort()).toEqual(['decisionDueAt', 'id', 'rag', 'reference']);
    // Each through the referral's read shape: its column, under the field's name.
    expect(w.shape.select).toBe(
      'r.id AS "id", r.rag AS "rag", r.decision_due_at AS "decisionDueAt", r.reference AS "reference"',
    );
    expect([...w.derived]).toEqual(['waiting_on']);
  });

  it('reads the column a field resolved from the row compares (previous referrals: the receipt time)', () => {
    expect(referralWidth(new Set(['previousReferrals']))!.shape.properties).toContain('receivedAt');
  });

  it('reads the whole row for a field it does not know (wider, never missing) and without a selection', () => {
    expect(referralWidth(new Set(['reference', 'someFieldAddedLater']))).toBeNull();
    // A column of the table that is no field of the shape (who submitted it) is not read by name.
    expect(referralWidth(new Set(['reference', 'referrerSub']))).toBeNull();
    expect(referralWidth(null)).toBeNull();
  });

  it('knows every field of Referral in the printed schema, so a field that is a column is never left out of a lean page (it must be in the read shape)', () => {
    const printed = fs.readFileSync(path.resolve(__dirname, '../../schema/schema.graphql'), 'utf8');
    const referral = buildSchema(printed).getType('Referral') as GraphQLObjectType;
    const fields = Object.keys(referral.getFields());
    expect(fields.length).toBeGreaterThan(40);
    expect(fields.filter((field) => referralWidth(new Set([field])) === null)).toEqual([]);
  });
});
