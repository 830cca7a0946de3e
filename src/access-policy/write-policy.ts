import { forbidden } from '../shared/errors';
import { RECORD_TYPES, type RecordType } from '../records/record-types';
import type { Viewer } from './viewer';

/**
 * Field-level write rules: an agency contributes records of its own kind only. Violations are
 * FORBIDDEN naming the field, never silently dropped.
 */
export function assertMayWriteRecordType(viewer: Viewer, recordType: RecordType): void {
  if (RECORD_TYPES[recordType] !== viewer.agencyKind) {
    throw forbidden(`input.recordType: your agency may not contribute ${recordType} records`, { field: 'input.recordType' });
  }
}
