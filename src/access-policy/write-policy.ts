import { forbidden } from '../shared/errors';
import { RECORD_TYPES, type RecordType } from './record-types';
import { hasAnyRole, type Viewer } from './viewer';
import { SOCIAL_CARE_MASH_ROLES } from './vocabulary';

/**
 * Field-level write rules: an agency contributes records of its own kind only. Violations are
 * FORBIDDEN naming the field, never silently dropped.
 */
export function assertMayWriteRecordType(viewer: Viewer, recordType: RecordType): void {
  if (RECORD_TYPES[recordType] !== viewer.agencyKind) {
    throw forbidden(`input.recordType: your agency may not contribute ${recordType} records`, {
      field: 'input.recordType',
    });
  }
}

/** Attendance: social care MASH staff record anyone's; an agency officer only their own agency's. */
export function assertMayRecordAttendanceFor(viewer: Viewer, inviteeAgency: string): void {
  if (!hasAnyRole(viewer, SOCIAL_CARE_MASH_ROLES) && inviteeAgency !== viewer.agency) {
    throw forbidden('attendance.inviteeId: you may record attendance only for your own agency', {
      field: 'attendance.inviteeId',
    });
  }
}
