import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The one way across the partnership wall (issue 26, ADR 028): for the CP flag view, which
 * partnerships hold a FLAGGED child under an NHS number. Returns the partnership's id, display name
 * and out-of-hours contact, and the holder's person ids for the holder's own audit event only (the
 * hub never releases them); never a row, a flag or a field.
 *
 * SECURITY DEFINER, run as the owner. Row-level security is forced on the owner too, so the function
 * walks the partnerships, setting `mash.partnership` to each in turn (and naming it in every
 * condition, for a superuser owner that bypasses the wall). The function's own `SET mash.partnership`
 * clause restores the caller's partnership on exit, so the settings never leak into the caller's
 * transaction. The flag rules are the flag view's (src/child-protection/child-protection.repository.ts
 * `flagsByNhsNumber`): an active plan (or a latest legal status of a plan), looked after, a referral
 * open in the MASH, an unborn child on a pre-birth plan linked to the person. Only the serving role
 * may execute it.
 */
export class CpFlagHolders1765240000000 implements MigrationInterface {
  name = 'CpFlagHolders1765240000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION mash_cp_flag_holders(p_nhs_number text)
      RETURNS TABLE (holder_id text, holder_name text, holder_contact text, holder_person_ids uuid[])
      LANGUAGE plpgsql VOLATILE SECURITY DEFINER
      SET search_path = public SET mash.partnership = ''
      AS $$
      DECLARE
        p record;
        ids uuid[];
      BEGIN
        IF p_nhs_number IS NULL OR p_nhs_number !~ '^[0-9]{10}$' THEN
          RETURN;
        END IF;
        FOR p IN SELECT id, display_name, out_of_hours_contact FROM partnership ORDER BY id LOOP
          PERFORM set_config('mash.partnership', p.id, true);
          WITH holder AS (
                 SELECT h.id, h.kind FROM person h WHERE h.partnership_id = p.id AND h.nhs_number = p_nhs_number),
               child AS (SELECT c.id FROM holder c WHERE c.kind IN ('CHILD', 'UNBORN')),
               flagged_child AS (
                 SELECT c.id FROM child c
                  WHERE EXISTS (SELECT 1 FROM cp_plan pl
                                 WHERE pl.partnership_id = p.id AND pl.person_id = c.id AND pl.status = 'ACTIVE')
                     OR (SELECT ar.data->>'legalStatus' FROM agency_record ar
                          WHERE ar.partnership_id = p.id AND ar.person_id = c.id AND ar.data ? 'legalStatus'
                          ORDER BY ar.occurred_at DESC, ar.id DESC LIMIT 1) IN ('CHILD_PROTECTION_PLAN', 'LOOKED_AFTER')
                     OR EXISTS (SELECT 1 FROM referral_subject rs JOIN referral r ON r.id = rs.referral_id
                                 WHERE rs.partnership_id = p.id AND r.partnership_id = p.id AND rs.person_id = c.id
                                   AND r.status NOT IN ('CLOSED', 'WITHDRAWN', 'MERGED'))),
               prebirth AS (
                 SELECT u.id FROM person u
                  WHERE u.partnership_id = p.id AND u.kind = 'UNBORN'
                    AND (u.id IN (SELECT id FROM child)
                         OR EXISTS (SELECT 1 FROM person_relationship pr
                                     WHERE pr.partnership_id = p.id
                                       AND ((pr.person_id = u.id AND pr.related_person_id IN (SELECT id FROM holder))
                                         OR (pr.related_person_id = u.id AND pr.person_id IN (SELECT id FROM holder)))))
                    AND EXISTS (SELECT 1 FROM cp_plan pl
                                 WHERE pl.partnership_id = p.id AND pl.person_id = u.id AND pl.status = 'ACTIVE'))
          SELECT array_agg(DISTINCT f.id ORDER BY f.id) INTO ids
            FROM (SELECT id FROM flagged_child UNION SELECT id FROM prebirth) f;
          IF ids IS NOT NULL THEN
            holder_id := p.id;
            holder_name := p.display_name;
            holder_contact := p.out_of_hours_contact;
            holder_person_ids := ids;
            RETURN NEXT;
          END IF;
        END LOOP;
      END
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION mash_cp_flag_holders(text) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION mash_cp_flag_holders(text) TO mash_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION mash_cp_flag_holders(text)`);
  }
}
