import { SharedRecords1763900000000 } from './1763900000000-shared-records';
import { AuditCapture1763900001000 } from './1763900001000-audit-capture';
import { AuditAppRole1763900200000 } from './1763900200000-audit-app-role';
import { AuditTimeIndex1763900201000 } from './1763900201000-audit-time-index';
import { AuditArchive1763900202000 } from './1763900202000-audit-archive';

/** Every migration, in order. Migrations are reviewed and never edited after they land. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: Function[] = [
  SharedRecords1763900000000,
  AuditCapture1763900001000,
  AuditAppRole1763900200000,
  AuditTimeIndex1763900201000,
  AuditArchive1763900202000,
];
