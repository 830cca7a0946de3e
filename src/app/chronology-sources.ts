import type { ChronologySource } from '../context/chronology';
import { childProtectionChronology } from '../child-protection/child-protection.chronology';
import { earlyHelpChronology } from '../early-help/early-help.chronology';
import { meetingsChronology } from '../meetings/meetings.chronology';
import { missingChronology } from '../missing/missing.chronology';
import { agencyRecordsChronology } from '../people/people.chronology';
import { privateFosteringChronology } from '../private-fostering/private-fostering.chronology';
import { referralsChronology } from '../referrals/referrals.chronology';

/**
 * Every domain's contribution to a child's chronology (issue 19 §3), registered here at composition
 * so that people/ lists them without importing every domain. LADO allegations are not a source: they
 * are about an adult who works with children, not about the child.
 */
export const CHRONOLOGY_SOURCES: readonly ChronologySource[] = [
  agencyRecordsChronology,
  referralsChronology,
  meetingsChronology,
  childProtectionChronology,
  missingChronology,
  earlyHelpChronology,
  privateFosteringChronology,
];
