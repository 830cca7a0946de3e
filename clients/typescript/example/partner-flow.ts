/**
 * A partner referrer's flow, as a school's safeguarding app would run it (ADR 013): who am I,
 * submit a referral about a child (with an idempotency key, so a retry after a lost answer cannot
 * create a second referral), then follow it with `myReferral`. `npm run client:example` runs it
 * against a running hub; tests/partner-client.test.ts runs it against the test hub.
 */
import {
  Me,
  MyReferral,
  SubmitReferral,
  type HubClient,
  type MyReferralResult,
  type SubmitReferralInput,
  type Withheld,
} from '../src';

export interface FollowedReferral {
  reference: string;
  /** Receipts of the first submission and of its replay with the same key (the same referral). */
  submitted: { id: string; replayed: boolean | null };
  replayed: { id: string; replayed: boolean | null };
  followed: NonNullable<MyReferralResult['myReferral']>;
  /** Anything the hub withheld from the receipt, in words. */
  withheld: Withheld[];
}

export async function referAndFollow(
  client: HubClient,
  referral: SubmitReferralInput,
  idempotencyKey: string,
  log: (line: string) => void = () => undefined,
): Promise<FollowedReferral> {
  const { data: who } = await client.request(Me, {});
  log(`signed in as ${who.me.name} (${who.me.agency}, ${who.me.roles.join(', ')})`);

  const first = await client.request(SubmitReferral, { idempotencyKey, input: referral });
  const receipt = first.data.submitReferral;
  if (!receipt.id || !receipt.reference)
    throw new Error('the hub acknowledged the referral without an id or reference');
  log(
    `referral ${receipt.reference} received at ${receipt.receivedAt}; a decision is due by ${receipt.expectedDecisionBy}`,
  );

  // The answer to a submission can be lost (a timeout, a dropped connection): resubmit with the same
  // key, and the hub returns the same referral rather than a second one.
  const again = await client.request(SubmitReferral, { idempotencyKey, input: referral });
  log(
    `resubmitted with the same key: ${again.data.submitReferral.reference} (replayed: ${again.data.submitReferral.replayed})`,
  );

  const followed = await client.request(MyReferral, { id: receipt.id });
  const now = followed.data.myReferral;
  if (!now) throw new Error(`referral ${receipt.reference} is no longer visible to this referrer`);
  log(`referral ${now.reference}: ${now.status}${now.outcome ? `, outcome ${now.outcome}` : ''}`);
  for (const w of followed.withheld) log(`  ${w.field}: ${w.explanation}`);

  return {
    reference: receipt.reference,
    submitted: { id: receipt.id, replayed: receipt.replayed },
    replayed: { id: again.data.submitReferral.id ?? '', replayed: again.data.submitReferral.replayed },
    followed: now,
    withheld: followed.withheld,
  };
}

/** A fictional referral (no real child): what a designated safeguarding lead might send. */
export function exampleReferral(familyName = 'Exampleton'): SubmitReferralInput {
  return {
    concernCategories: ['NEGLECT'],
    consentSought: true,
    consentGiven: true,
    narrative: 'Fictional example: the child has come to school hungry and without a coat on most days this term.',
    referrerContact: 'Designated safeguarding lead, 01632 960000',
    subjects: [{ newPerson: { kind: 'CHILD', givenName: 'Sam', familyName, dateOfBirth: '2017-03-14' } }],
  };
}
