import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { maskSqlLiterals, redactSpan } from './tracing';

/** The allow-list every span passes on its way to the collector (ADR 015). */

describe('SQL text on a span', () => {
  it.each([
    [
      'SELECT id FROM person WHERE nhs_number = $1 AND given_name = $2',
      'SELECT id FROM person WHERE nhs_number = $1 AND given_name = $2',
    ],
    [
      `SELECT id FROM person WHERE family_name = 'O''Brien' AND nhs_number = '9434765919'`,
      'SELECT id FROM person WHERE family_name = ? AND nhs_number = ?',
    ],
    [
      `SELECT * FROM person WHERE nhs_number = 9434765919 LIMIT 20`,
      'SELECT * FROM person WHERE nhs_number = ? LIMIT ?',
    ],
    [`SELECT E'Jane\\'s' AS n, $$Smith$$ AS f, $tag$Jones$tag$ AS g`, 'SELECT ? AS n, ? AS f, ? AS g'],
    [
      `SELECT "given_name", t1.x FROM t1 -- Jane Smith\nWHERE /* 2016-04-03 */ a = $10`,
      'SELECT "given_name", t1.x FROM t1  \nWHERE   a = $10',
    ],
    [`SELECT 1 WHERE name = 'Jane Smith`, 'SELECT ? WHERE name = ?'],
  ])('keeps its shape and masks every literal: %s', (sql, masked) => {
    expect(maskSqlLiterals(sql)).toBe(masked);
  });
});

function span(over: Partial<ReadableSpan>): ReadableSpan {
  return {
    name: 'pg.query:SELECT mash',
    kind: SpanKind.CLIENT,
    spanContext: () => ({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 }),
    startTime: [1, 0],
    endTime: [1, 5],
    duration: [0, 5],
    ended: true,
    status: { code: SpanStatusCode.UNSET },
    attributes: {},
    links: [],
    events: [],
    resource: resourceFromAttributes({ 'service.name': 'mash-hub' }),
    instrumentationScope: { name: 'test' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    ...over,
  };
}

describe('a span on its way out', () => {
  it('given a failed statement whose PostgreSQL message quotes a value, then the status and exception keep only a code', () => {
    const out = redactSpan(
      span({
        status: { code: SpanStatusCode.ERROR, message: 'invalid input syntax for type date: "Jane Smith 2016-04-03"' },
        attributes: { 'db.query.text': `SELECT 1 FROM person WHERE given_name = 'Jane'`, 'error.type': '22007' },
        events: [
          {
            name: 'exception',
            time: [1, 1],
            attributes: {
              'exception.type': '22007',
              'exception.message': 'invalid input syntax: "Jane Smith"',
              'exception.stacktrace': 'Error: Jane Smith\n  at x',
            },
          },
        ],
      }),
    );
    expect(out.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(out.attributes).toEqual({
      'db.query.text': 'SELECT ? FROM person WHERE given_name = ?',
      'error.type': '22007',
    });
    expect(out.events.map((e) => [e.name, e.attributes])).toEqual([['exception', { 'error.type': '22007' }]]);
    expect(JSON.stringify(out)).not.toMatch(/Jane|Smith|2016/);
  });

  it('given attributes the hub never sets (values, a user, a URL with a query, a client-chosen string), then they are dropped', () => {
    const out = redactSpan(
      span({
        name: 'query Lookup Jane Smith ☺',
        attributes: {
          'db.postgresql.values': ['Jane', '9434765919'],
          'db.query.parameter.0': 'Jane',
          'db.user': 'mash_app',
          'url.full': 'https://hub/graphql?name=Jane',
          'mash.request_id': 'Jane Smith',
          'mash.graphql.operation': 'Lookup Jane',
          'http.response.status_code': 200,
        },
        links: [
          {
            context: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: '00f067aa0ba902b7', traceFlags: 1 },
            attributes: { note: 'Jane' },
          },
        ],
      }),
    );
    expect(out.name).toBe('span');
    expect(out.attributes).toEqual({ 'http.response.status_code': 200 });
    expect(out.links).toEqual([
      { context: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: '00f067aa0ba902b7', traceFlags: 1 } },
    ]);
  });
});
