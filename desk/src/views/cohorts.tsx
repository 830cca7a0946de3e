/**
 * The cohort screens in the navigation (ADR 035), spread into main.tsx's screens after Missing: each
 * for the roles the hub's entry point allows (the hub still decides every row and field).
 */
import type { Me } from '../session.js';
import { EarlyHelpView } from './early-help.js';
import { ExploitationView } from './exploitation.js';
import { LadoView } from './lado.js';
import { PrivateFosteringView } from './private-fostering.js';

const MASH_ROLES = [
  'MASH_SOCIAL_WORKER',
  'MASH_MANAGER',
  'POLICE_MASH_OFFICER',
  'HEALTH_MASH_PRACTITIONER',
  'PROBATION_MASH_OFFICER',
  'EDUCATION_MASH_OFFICER',
];
const worksCases = (me: Me) => me.roles.some((r) => MASH_ROLES.includes(r));

export const COHORT_SCREENS = {
  'early-help': { label: 'Early help', allowed: worksCases, render: (me: Me) => <EarlyHelpView me={me} /> },
  'private-fostering': {
    label: 'Private fostering',
    allowed: worksCases,
    render: (me: Me) => <PrivateFosteringView me={me} />,
  },
  exploitation: { label: 'Exploitation', allowed: worksCases, render: (me: Me) => <ExploitationView me={me} /> },
  /** The LADO's own list; designated officers and social care read allegations through the API only (ADR 035). */
  lado: {
    label: 'Allegations',
    allowed: (me: Me) => me.roles.includes('LADO'),
    render: (me: Me) => <LadoView me={me} />,
  },
} as const;
