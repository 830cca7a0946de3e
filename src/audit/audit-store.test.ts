import { batchHash, GENESIS_HASH, rowsHash } from './audit-event';

describe('batch hash', () => {
  it('given the SQL formula id \\n prev \\n rows, then it equals batchHash (the verifier relies on it)', () => {
    // audit-store computes the batch hash in SQL as sha256(id || E'\n' || prev_hash || E'\n' || rows_hash).
    const crypto = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const rows = rowsHash([{ a: 1 }]);
    const expected = crypto.createHash('sha256').update(`7\n${GENESIS_HASH}\n${rows}`, 'utf8').digest('hex');
    expect(batchHash(7, GENESIS_HASH, rows)).toBe(expected);
  });
});

describe('canonical JSON', () => {
  it('given a Date inside an event, then it hashes as the ISO string jsonb stores', () => {
    const { canonicalJson } = jest.requireActual<typeof import('./audit-event')>('./audit-event');
    const d = new Date('2026-01-02T03:04:05.000Z');
    expect(canonicalJson({ b: d, a: [1, 'x'] })).toBe(canonicalJson(JSON.parse(JSON.stringify({ a: [1, 'x'], b: d }))));
  });
});
