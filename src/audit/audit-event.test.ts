import {
  batchHash,
  canonicalJson,
  canonicalJsonRecursive,
  GENESIS_HASH,
  newAuditEventId,
  rowsHash,
  rowsHashOfCanonical,
  sha256,
} from './audit-event';

/**
 * The chain's hashes are stored: the text they are computed from must never change. These pin the
 * exact texts and digests (audit-store.test.ts checks that the two canonical serialisers agree).
 */

describe('canonical JSON: the exact text', () => {
  it.each([
    [
      'keys sorted at every level, arrays kept in order',
      { b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } },
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    ],
    ['undefined members left out, undefined in arrays as null', { a: undefined, b: [undefined] }, '{"b":[null]}'],
    [
      'integer-like keys sorted as text, like every other key',
      { '10': 'x', '9': 'y', a: { '2': 1, '1': 2 } },
      '{"10":"x","9":"y","a":{"1":2,"2":1}}',
    ],
    ['a Date as its ISO string', { at: new Date('2026-01-02T03:04:05.000Z') }, '{"at":"2026-01-02T03:04:05.000Z"}'],
    ['escapes as JSON.stringify writes them', { q: 'a "b" \\ \n' }, '{"q":"a \\"b\\" \\\\ \\n"}'],
    ['a bare value', 'x', '"x"'],
    [
      "long integer-like keys, whose text order differs from JavaScript's numeric order",
      { '1000': 'a', '200': 'b', x: { '3000': 1, '400': 2 } },
      '{"1000":"a","200":"b","x":{"3000":1,"400":2}}',
    ],
  ])('given %s', (_label, value, text) => {
    expect(canonicalJson(value)).toBe(text);
    expect(canonicalJsonRecursive(value)).toBe(text);
  });

  it('given nothing (undefined), then the text is null', () => {
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJsonRecursive(undefined)).toBe('null');
  });

  it('given an object with toJSON, then what it serialises to', () => {
    expect(canonicalJsonRecursive({ v: { toJSON: () => ({ b: 2, a: 1 }) } })).toBe('{"v":{"a":1,"b":2}}');
  });
});

describe('hashes of the chain', () => {
  it('sha256 is the hex SHA-256 of the UTF-8 text', () => {
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('the genesis hash is fixed: every stored chain starts from it', () => {
    expect(GENESIS_HASH).toBe('83f5323eff083cbb40db587f126e408e27c4116f3148af0ad6caaecda2a18af1');
  });

  it("a batch's rows hash is over the canonical payloads, one per line, in batch order", () => {
    const a = { b: 1, a: 2 };
    const b = { x: [1] };
    expect(rowsHash([a, b])).toBe(sha256('{"a":2,"b":1}\n{"x":[1]}'));
    expect(rowsHash([b, a])).not.toBe(rowsHash([a, b]));
    expect(rowsHashOfCanonical(['1', '2'])).toBe(sha256('1\n2'));
  });

  it('a batch hash binds its id, the previous hash and the rows hash', () => {
    expect(batchHash(3, 'prev', 'rows')).toBe(sha256('3\nprev\nrows'));
  });
});

describe('audit event ids', () => {
  it('are version 7 UUIDs, in time order', () => {
    const ids = Array.from({ length: 5 }, () => newAuditEventId());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(5);
  });
});
