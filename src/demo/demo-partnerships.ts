import type { DataSource } from 'typeorm';
import { DEFAULT_PARTNERSHIP } from '../shared/partnership';

/**
 * The demo's two partnerships (ADR 016), both obviously fictional, sharing one police force and one
 * health provider (the deployment's agency directory is shared by every partnership). The main demo
 * goes to the deployment's first partnership, so the desk's development sign-in (tokens for
 * `default`) shows it; a smaller one to Southvale, to show the wall.
 */
export interface DemoPartnership {
  id: string;
  displayName: string;
  outOfHoursContact: string;
  /** Share of the demo's households and referrals loaded into it. */
  share: number;
  /** Added to the demo's seed, so each partnership gets other fictional people. */
  seedOffset: number;
}

export const DEMO_PARTNERSHIPS: readonly DemoPartnership[] = [
  {
    id: DEFAULT_PARTNERSHIP,
    displayName: 'Northshire MASH (fictional demo)',
    outOfHoursContact: 'Northshire EDT 01632 960000 (fictional)',
    share: 1,
    seedOffset: 0,
  },
  {
    id: 'southvale',
    displayName: 'Southvale MASH (fictional demo)',
    outOfHoursContact: 'Southvale EDT 01632 960001 (fictional)',
    share: 0.25,
    seedOffset: 7,
  },
];

/** Creates (or renames) the demo partnerships. As the database owner: the serving role may only read partnerships. */
export async function ensureDemoPartnerships(owner: DataSource): Promise<void> {
  for (const p of DEMO_PARTNERSHIPS) {
    await owner.query(
      `INSERT INTO partnership (id, display_name, out_of_hours_contact) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET display_name = EXCLUDED.display_name, out_of_hours_contact = EXCLUDED.out_of_hours_contact`,
      [p.id, p.displayName, p.outOfHoursContact],
    );
  }
}
