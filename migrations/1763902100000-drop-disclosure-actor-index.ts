import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Drops `audit_disclosure (actor_sub, occurred_at)`. No query reads it: the access log by actor walks
 * `audit_event (actor_sub, occurred_at)` and joins each page's disclosure rows by event id; by
 * person (with or without an actor filter) it walks `audit_disclosure (person_id, occurred_at)`; the
 * read-volume check scans the last hour through the BRIN time index. On the benchmark partnership it
 * had 0 scans and took 429 MB at 10M audit rows, and every disclosure row paid for it on insert
 * (about 0.17 ms of 3 ms for an audit batch naming 85 people).
 *
 * Dropping a partitioned index drops it on every partition, under an exclusive lock on the audit
 * tables held only for the catalogue change (appends wait, they are not refused).
 */
export class DropDisclosureActorIndex1763902100000 implements MigrationInterface {
  name = 'DropDisclosureActorIndex1763902100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_disclosure_actor_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX audit_disclosure_actor_idx ON audit_disclosure (actor_sub, occurred_at)`);
  }
}
