import { BoundedDocumentCache } from './persisted-queries';

describe('the APQ document cache is bounded', () => {
  it('evicts the least recently used document beyond its entry limit', async () => {
    const cache = new BoundedDocumentCache(2, 1000);
    await cache.set('a', '{ a }');
    await cache.set('b', '{ b }');
    await cache.get('a'); // a is now the most recently used
    await cache.set('c', '{ c }');
    expect(cache.size).toBe(2);
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBe('{ a }');
    expect(await cache.get('c')).toBe('{ c }');
  });

  it('evicts by total characters, and never keeps a document larger than the whole budget', async () => {
    const cache = new BoundedDocumentCache(100, 10);
    await cache.set('a', 'x'.repeat(6));
    await cache.set('b', 'y'.repeat(6));
    expect(await cache.get('a')).toBeUndefined();
    expect(await cache.get('b')).toBe('yyyyyy');
    await cache.set('huge', 'z'.repeat(11));
    expect(await cache.get('huge')).toBeUndefined();
    expect(await cache.get('b')).toBe('yyyyyy');
  });

  it('forgets a document after its ttl', async () => {
    const cache = new BoundedDocumentCache();
    await cache.set('a', '{ a }', { ttl: 0.01 });
    await new Promise((r) => setTimeout(r, 30));
    expect(await cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
