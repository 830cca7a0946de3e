import { RECORD_TYPE_NAMES, RECORD_TYPES } from './record-types';
import type { Viewer } from './viewer';
import { AGENCY_KINDS, type AgencyKind, type Role } from './vocabulary';
import { assertMayRecordAttendanceFor, assertMayWriteRecordType } from './write-policy';

/** Write rules, every record type × every agency kind: an agency contributes its own kind only. */

const viewer = (agencyKind: AgencyKind, roles: Role[] = ['PARTNER_REFERRER'], agency = 'a-1'): Viewer => ({
  sub: 's',
  name: 'n',
  agency,
  agencyKind,
  roles,
});

describe('assertMayWriteRecordType: every record type × every agency kind', () => {
  it.each(
    RECORD_TYPE_NAMES.flatMap((type) => AGENCY_KINDS.map((kind) => [type, kind, RECORD_TYPES[type] === kind] as const)),
  )('%s from a %s agency: allowed %s', (type, kind, allowed) => {
    if (allowed) expect(() => assertMayWriteRecordType(viewer(kind), type)).not.toThrow();
    else {
      expect(() => assertMayWriteRecordType(viewer(kind), type)).toThrow(
        expect.objectContaining({
          message: `input.recordType: your agency may not contribute ${type} records`,
          extensions: expect.objectContaining({ code: 'FORBIDDEN', field: 'input.recordType' }),
        }),
      );
    }
  });
});

describe('assertMayRecordAttendanceFor', () => {
  it("given an agency officer recording another agency's attendance, then FORBIDDEN saying only their own", () => {
    expect(() => assertMayRecordAttendanceFor(viewer('POLICE', ['POLICE_MASH_OFFICER'], 'police'), 'health')).toThrow(
      'attendance.inviteeId: you may record attendance only for your own agency',
    );
  });
});
