import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { readShape } from './read-shape';

@Entity({ name: 'read_shape_example' })
class ExampleEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'child_name', type: 'text' })
  childName!: string;

  @Column({ name: 'born_on', type: 'date', nullable: true })
  bornOn!: string | null;

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ name: 'seen_at', type: 'timestamptz', nullable: true })
  seenAt!: Date | null;
}

class NotAnEntity {
  id!: string;
}

describe('a table described once: the read shape follows from the entity (ADR 031)', () => {
  it('given chosen properties, when the shape is built, then each column is read under its property name, in order', () => {
    const shape = readShape(ExampleEntity, 'e', ['id', 'childName', 'version']);
    expect(shape.select).toBe('e.id AS "id", e.child_name AS "childName", e.version AS "version"');
    expect(shape.properties).toEqual(['id', 'childName', 'version']);
  });

  it('given a date column, when it is read, then it is read as text (a calendar date has no time zone)', () => {
    expect(readShape(ExampleEntity, 'e', ['bornOn']).select).toBe('e.born_on::text AS "bornOn"');
  });

  it('given a row with more than the shape, when viewed, then the view holds the shape only', () => {
    const shape = readShape(ExampleEntity, 'e', ['id', 'childName']);
    const view = shape.view({ id: 'x', childName: 'Fictional Child', kinds: ['CASE_WORKER'] });
    expect(view).toEqual({ id: 'x', childName: 'Fictional Child' });
    expect(Object.keys(view)).toEqual(['id', 'childName']);
  });

  it('given a row read as JSON, when viewed from JSON, then its timestamps are Dates and nothing else is converted (issue 21)', () => {
    const shape = readShape(ExampleEntity, 'e', ['id', 'bornOn', 'seenAt', 'version']);
    const view = shape.viewOfJson({
      id: 'x',
      bornOn: '2019-03-01',
      seenAt: '2026-12-06T10:15:30.123456+00:00',
      version: 2,
    });
    expect(view).toEqual({ id: 'x', bornOn: '2019-03-01', seenAt: new Date('2026-12-06T10:15:30.123Z'), version: 2 });
    // A null timestamp stays null, and a pick keeps knowing which of its columns are timestamps.
    expect(shape.viewOfJson({ id: 'x', bornOn: null, seenAt: null, version: 1 }).seenAt).toBeNull();
    expect(shape.pick(['seenAt']).viewOfJson({ seenAt: '2026-01-02T00:00:00+00:00' }).seenAt).toEqual(
      new Date('2026-01-02T00:00:00Z'),
    );
    // …whereas the plain view leaves the JSON string as it is.
    expect(shape.view({ id: 'x', bornOn: null, seenAt: '2026-01-02T00:00:00+00:00', version: 1 }).seenAt).toBe(
      '2026-01-02T00:00:00+00:00',
    );
  });

  it('given a row missing a property of the shape, when viewed, then it throws naming the property', () => {
    const shape = readShape(ExampleEntity, 'e', ['id', 'childName']);
    expect(() => shape.view({ id: 'x' })).toThrow('ExampleEntity.childName');
  });

  it('given a property that is not a column, when the shape is built, then it throws naming it', () => {
    // The type system refuses a name that is not a property; a property that is not a column (a relation,
    // a getter) is refused at load.
    expect(() => readShape(ExampleEntity, 'e', ['id', 'toString' as 'id'])).toThrow('ExampleEntity.toString');
  });

  it('given a class that is no entity, or an alias that is not a plain SQL name, when the shape is built, then it throws', () => {
    expect(() => readShape(NotAnEntity, 'n', ['id'])).toThrow('not a TypeORM entity');
    expect(() => readShape(ExampleEntity, 'e; DROP TABLE x', ['id'])).toThrow('bad SQL alias');
  });
});

describe('a subset of a read shape: the columns a page selects (issue 21, ADR 031)', () => {
  const shape = readShape(ExampleEntity, 'e', ['id', 'childName', 'bornOn', 'version']);

  it('given some of its properties, when picked, then only their columns are read, in the order given, under the same alias', () => {
    const picked = shape.pick(['version', 'id']);
    expect(picked.select).toBe('e.version AS "version", e.id AS "id"');
    expect(picked.properties).toEqual(['version', 'id']);
    expect(shape.pick(['bornOn']).select).toBe('e.born_on::text AS "bornOn"');
  });

  it('given a row holding only the picked columns, when viewed, then the view holds them, and a row missing one throws', () => {
    const picked = shape.pick(['id', 'version']);
    expect(picked.view({ id: 'x', version: 3, kinds: [] })).toEqual({ id: 'x', version: 3 });
    expect(() => picked.view({ id: 'x' })).toThrow('ExampleEntity.version');
    // The whole shape still refuses that row: a lean row never passes for a whole one.
    expect(() => shape.view({ id: 'x', version: 3 })).toThrow('ExampleEntity.childName');
  });

  it('given a property the shape does not read, or none at all, when picked, then it throws', () => {
    const narrow = readShape(ExampleEntity, 'e', ['id', 'childName']);
    // The type refuses it; a list built at run time is refused when picked.
    expect(() => narrow.pick(['id', 'version' as 'id'])).toThrow('ExampleEntity.version is not in the shape');
    expect(() => narrow.pick(['toString' as 'id'])).toThrow('ExampleEntity.toString is not in the shape');
    expect(() => narrow.pick([])).toThrow('reads no property');
  });

  it('given a pick of a pick, when a property outside the narrower one is asked, then it throws', () => {
    const picked = shape.pick(['id', 'childName']);
    expect(picked.pick(['childName']).select).toBe('e.child_name AS "childName"');
    expect(() => picked.pick(['version' as 'id'])).toThrow('ExampleEntity.version is not in the shape');
  });
});
