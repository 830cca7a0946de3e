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

describe('canonical JSON: the native serialiser path equals the reference definition', () => {
  const { canonicalJson, canonicalJsonRecursive } = jest.requireActual<typeof import('./audit-event')>('./audit-event');

  it('given tricky values (integer-like and unicode keys, undefined, Dates, nesting, escapes), then both give the same text', () => {
    const cases: unknown[] = [
      null,
      undefined,
      0,
      -0,
      Number.NaN,
      'plain',
      'quote " backslash \\ newline \n nul \u0000 emoji 😀',
      [],
      {},
      [undefined, null, 1, 'x', [2, [3]]],
      { b: 1, a: 2, A: 3, _: 4, é: 5, '': 6, ' ': 7 },
      { z: { y: { x: [{ d: 1, c: undefined, b: null, a: [] }] } } },
      { '10': 'ten', '9': 'nine', a: 'a', '01': 'leading zero', '-1': 'minus' },
      { nested: { '2': 'two', '1': 'one' }, list: [{ '0': 'zero' }] },
      { when: new Date('2026-11-23T10:00:00.000Z'), dates: [new Date(0)] },
      { toJSONed: { toJSON: () => ({ b: 2, a: 1 }) } },
      new Map([['k', 'v']]),
      { big: 1e21, small: 1e-7, float: 0.1 + 0.2 },
    ];
    for (const c of cases) expect(canonicalJson(c)).toBe(canonicalJsonRecursive(c));
  });

  it('given 2,000 generated nested values, then both give the same text', () => {
    // A small deterministic generator (xorshift), so a failure reproduces.
    let seed = 0x9e3779b9;
    const rnd = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const keys = ['a', 'b', 'personId', 'released', 'Z', 'é', '0', '7', '12', 'x-y', 'occurredAt'];
    const gen = (depth: number): unknown => {
      switch (depth > 3 ? rnd(5) : rnd(8)) {
        case 0:
          return rnd(1000) - 500;
        case 1:
          return `s${rnd(100)}"\\`;
        case 2:
          return rnd(2) === 0;
        case 3:
          return null;
        case 4:
          return rnd(3) === 0 ? undefined : new Date(Date.UTC(2026, rnd(12), 1 + rnd(28)));
        case 5:
        case 6: {
          const o: Record<string, unknown> = {};
          for (let i = rnd(6); i > 0; i--) o[keys[rnd(keys.length)]!] = gen(depth + 1);
          return o;
        }
        default:
          return Array.from({ length: rnd(5) }, () => gen(depth + 1));
      }
    };
    for (let i = 0; i < 2000; i++) {
      const v = gen(0);
      expect(canonicalJson(v)).toBe(canonicalJsonRecursive(v));
    }
  });
});
