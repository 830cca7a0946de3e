/**
 * The synthetic demo partnership: households of children and adults with records from every
 * agency, generated from a seeded PRNG so the same options always give the same lines. Everything
 * is obviously fictional: invented surnames, NHS numbers from the 999 range (reserved for testing),
 * postcodes in the non-existent ZZ area, "Fictional" in every free-text note.
 *
 * The output is NDJSON lines in the bulk import format (src/records/bulk-import.ts), so loading the
 * demo exercises the real ingest path.
 */

export interface DemoOptions {
  /** Number of households (default 90, about 200 children). */
  households?: number;
  /** PRNG seed (default 20260101). */
  seed?: number;
  /** The date the data is "as of" (YYYY-MM-DD, default today in London): records spread over the three years before it. */
  asOf?: string;
}

/** Today's date in the partnership's time zone (Europe/London), YYYY-MM-DD: the demo's default as-of date. */
export function demoToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(now);
}

/** `asOf` is read afresh on each use: the demo is dated relative to today unless told otherwise (`--as-of`). */
export const DEMO_DEFAULTS = {
  households: 90,
  seed: 20260101,
  get asOf(): string {
    return demoToday();
  },
} as const;
export const DEMO_ACTOR = 'demo-seed';

export interface DemoLine {
  agency: string;
  actor: string;
  kind: 'person' | 'record';
  data: Record<string, unknown>;
}

export interface DemoData {
  lines: DemoLine[];
  people: { children: number; unborn: number; adults: number; households: number };
  /** A child with records from every agency: the worked example printed after seeding. */
  example: {
    agency: string;
    sourceSystem: string;
    sourceReference: string;
    familyName: string;
    givenName: string;
    dateOfBirth: string;
  };
}

/** mulberry32: a tiny, well-known 32-bit PRNG; good enough for reproducible demo data. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Invented surnames: none is meant to be a real family name.
const SURNAMES = [
  'Testwood',
  'Fictonia',
  'Mockridge',
  'Samplesby',
  'Dummerton',
  'Placeholme',
  'Examplar',
  'Fakenshaw',
  'Imaginby',
  'Pretendle',
  'Madeupson',
  'Synthwick',
  'Trialbury',
  'Demoford',
  'Fabricourt',
  'Inventon',
  'Lorembridge',
  'Ipsumworth',
  'Fauxley',
  'Specimore',
  'Prototon',
  'Mocklehurst',
  'Stubworth',
  'Figmentor',
  'Nullfield',
  'Voidsby',
  'Zedwick',
  'Quuxley',
  'Foobarton',
  'Bazmore',
  'Sandboxe',
  'Fixturely',
];
const GIVEN_FEMALE = [
  'Amara',
  'Bella',
  'Chloe',
  'Daisy',
  'Esme',
  'Freya',
  'Grace',
  'Hana',
  'Isla',
  'Jade',
  'Kira',
  'Lena',
  'Maya',
  'Nia',
  'Orla',
  'Priya',
  'Rosa',
  'Sana',
  'Tia',
  'Zara',
];
const GIVEN_MALE = [
  'Adam',
  'Ben',
  'Caleb',
  'Dev',
  'Ethan',
  'Finn',
  'Gabe',
  'Harry',
  'Ibrahim',
  'Jack',
  'Kai',
  'Leo',
  'Milo',
  'Noah',
  'Omar',
  'Reuben',
  'Sami',
  'Theo',
  'Yusuf',
  'Zac',
];
const STREETS = [
  'Nowhere Lane',
  'Placeholder Road',
  'Sample Street',
  'Example Close',
  'Fiction Way',
  'Mock Terrace',
  'Demo Avenue',
  'Test Crescent',
];
const TOWN = 'Exampletown';
const GP_PRACTICES = [
  'Fictional Lane Surgery',
  'Example Health Centre',
  'Sample Street Medical Practice',
  'Demo Avenue Surgery',
];
const PRIMARY_SCHOOLS = [
  'Testwood Primary School',
  'Fictonia Infant and Junior School',
  'Example Close Primary Academy',
];
const SECONDARY_SCHOOLS = ['Exampletown Academy (fictional)', 'Sample Street High School'];
const SOCIAL_WORKERS = [
  'Sam Worker (fictional)',
  'Alex Example (fictional)',
  'Jo Sample (fictional)',
  'Chris Demo (fictional)',
];
const LANGUAGES = [
  'English',
  'English',
  'English',
  'English',
  'English',
  'English',
  'English',
  'Polish',
  'Urdu',
  'Romanian',
  'Arabic',
  'Somali',
  'Bengali',
];
const RELIGIONS = ['No religion', 'Christian', 'Muslim', 'Hindu', 'Sikh', 'Jewish', 'Buddhist', 'Other religion'];
// Approximate shares of the ONS 2021 categories; the rest is NOT_RECORDED or not provided.
const ETHNICITY_WEIGHTS: Array<[string, number]> = [
  ['WHITE_BRITISH', 60],
  ['WHITE_OTHER', 6],
  ['WHITE_IRISH', 1],
  ['WHITE_GYPSY_OR_IRISH_TRAVELLER', 1],
  ['WHITE_ROMA', 1],
  ['ASIAN_PAKISTANI', 4],
  ['ASIAN_INDIAN', 3],
  ['ASIAN_BANGLADESHI', 2],
  ['ASIAN_CHINESE', 1],
  ['ASIAN_OTHER', 1],
  ['BLACK_AFRICAN', 4],
  ['BLACK_CARIBBEAN', 1],
  ['BLACK_OTHER', 1],
  ['MIXED_WHITE_AND_BLACK_CARIBBEAN', 2],
  ['MIXED_WHITE_AND_ASIAN', 1],
  ['MIXED_WHITE_AND_BLACK_AFRICAN', 1],
  ['MIXED_OTHER', 1],
  ['OTHER_ARAB', 1],
  ['OTHER_ANY', 1],
];

const SOURCE = {
  'social-care': 'SC-CASE-DEMO',
  police: 'POLICE-RMS-DEMO',
  health: 'HEALTH-PAS-DEMO',
  probation: 'PROB-CMS-DEMO',
  education: 'EDU-MIS-DEMO',
} as const;
type DemoAgency = keyof typeof SOURCE;
const AGENCIES = Object.keys(SOURCE) as DemoAgency[];

interface Member {
  key: string;
  role: 'MOTHER' | 'FATHER' | 'STEP_PARENT' | 'PARTNER_OF_PARENT' | 'CHILD' | 'UNBORN';
  data: Record<string, unknown>;
  ageYears: number;
  birth: Date | null;
  flags: Set<string>;
}

const DAY = 86_400_000;

/** Generates the demo partnership. Pure: the same options give the same lines. */
export function generateDemo(options: DemoOptions = {}): DemoData {
  const households = options.households ?? DEMO_DEFAULTS.households;
  const asOf = new Date(`${options.asOf ?? DEMO_DEFAULTS.asOf}T00:00:00Z`);
  const rnd = mulberry32(options.seed ?? DEMO_DEFAULTS.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const chance = (p: number) => rnd() < p;
  const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
  const weighted = (pairs: ReadonlyArray<readonly [string, number]>) => {
    const total = pairs.reduce((s, [, w]) => s + w, 0);
    let x = rnd() * total;
    for (const [v, w] of pairs) if ((x -= w) < 0) return v;
    return pairs[pairs.length - 1]![0];
  };
  const isoDate = (d: Date) => d.toISOString().slice(0, 10);
  const windowStart = new Date(asOf.getTime() - 3 * 365 * DAY);
  /** A moment in the three years before asOf (and after `notBefore`), at a working-ish hour. */
  const when = (notBefore: Date | null = null) => {
    const from = Math.max(windowStart.getTime(), notBefore?.getTime() ?? 0);
    const to = asOf.getTime() - DAY;
    const day = Math.floor((from + rnd() * Math.max(0, to - from)) / DAY) * DAY;
    return new Date(Math.min(day + int(7, 22) * 3_600_000 + int(0, 59) * 60_000, asOf.getTime() - 3_600_000));
  };

  const usedNhs = new Set<string>();
  const nhsNumber = () => {
    for (;;) {
      const digits = [9, 9, 9, ...Array.from({ length: 6 }, () => int(0, 9))];
      const sum = digits.reduce((acc, d, i) => acc + d * (10 - i), 0);
      const check = 11 - (sum % 11);
      if (check === 10) continue;
      const n = [...digits, check === 11 ? 0 : check].join('');
      if (usedNhs.has(n)) continue;
      usedNhs.add(n);
      return n;
    }
  };
  let serial = 0;
  const nextSerial = () => String(++serial).padStart(6, '0');

  const demographics = () => {
    const d: Record<string, unknown> = {};
    const e = rnd();
    // About 8% NOT_RECORDED, 7% not provided by the source system (field left out), the rest recorded.
    if (e < 0.08) d.ethnicity = 'NOT_RECORDED';
    else if (e >= 0.15) d.ethnicity = weighted(ETHNICITY_WEIGHTS);
    const l = rnd();
    if (l < 0.1) d.firstLanguage = 'NOT_RECORDED';
    else if (l >= 0.2) d.firstLanguage = pick(LANGUAGES);
    const r = rnd();
    if (r < 0.25) d.religion = 'NOT_RECORDED';
    else if (r >= 0.5) d.religion = pick(RELIGIONS);
    const dis = rnd();
    d.disability = dis < 0.1 ? 'NOT_RECORDED' : dis < 0.2 ? undefined : dis < 0.28 ? 'DISABLED' : 'NOT_DISABLED';
    if (d.disability === undefined) delete d.disability;
    return d;
  };

  const lines: DemoLine[] = [];
  const personLines: Record<DemoAgency, DemoLine[]> = {
    'social-care': [],
    police: [],
    health: [],
    probation: [],
    education: [],
  };
  const recordLines: DemoLine[] = [];
  const known: Record<DemoAgency, Set<string>> = {
    'social-care': new Set(),
    police: new Set(),
    health: new Set(),
    probation: new Set(),
    education: new Set(),
  };
  const people = { children: 0, unborn: 0, adults: 0, households };
  const memberOfLine = new Map<DemoLine, Member>();
  let example: Member | undefined;
  let exampleScore = -1;
  let pncSerial = 0;

  const refOf = (agency: DemoAgency, m: Member) => ({
    sourceSystem: SOURCE[agency],
    sourceReference: `${agency.toUpperCase()}-P-${m.key}`,
  });

  /** The agency's own person line for a member (once), carrying the member's shared data. */
  const ensureKnown = (agency: DemoAgency, m: Member) => {
    if (known[agency].has(m.key)) return;
    known[agency].add(m.key);
    const line: DemoLine = { agency, actor: DEMO_ACTOR, kind: 'person', data: { ...refOf(agency, m), ...m.data } };
    memberOfLine.set(line, m);
    personLines[agency].push(line);
  };

  let recordSerial = 0;
  const record = (
    agency: DemoAgency,
    m: Member,
    recordType: string,
    summary: string,
    fields: Record<string, unknown>,
    at: Date = when(m.birth),
  ) => {
    ensureKnown(agency, m);
    const recordedAt = new Date(Math.min(at.getTime() + int(1, 48) * 3_600_000, asOf.getTime() - 60_000));
    recordLines.push({
      agency,
      actor: DEMO_ACTOR,
      kind: 'record',
      data: {
        personRef: refOf(agency, m),
        recordType,
        occurredAt: at.toISOString(),
        summary,
        sourceSystem: SOURCE[agency],
        sourceReference: `${agency.toUpperCase()}-R-${String(++recordSerial).padStart(6, '0')}`,
        recordedBy: `${agency} demo officer (fictional)`,
        recordedAt: recordedAt.toISOString(),
        ...fields,
      },
    });
    m.flags.add(`agency:${agency}`);
  };

  for (let h = 1; h <= households; h++) {
    const surname = pick(SURNAMES);
    const address = `${int(1, 199)} ${pick(STREETS)}, ${TOWN}`;
    const postcode = `ZZ${int(1, 9)} ${int(1, 9)}${pick('ABDEFGHJLNPQRSTUWXYZ'.split(''))}${pick('ABDEFGHJLNPQRSTUWXYZ'.split(''))}`;
    // The first household always involves every agency, so even a tiny demo shows them all.
    const showcase = h === 1;
    const childCount = showcase
      ? 2
      : Number(
          weighted([
            ['1', 30],
            ['2', 35],
            ['3', 20],
            ['4', 15],
          ]),
        );
    const eldestAge = showcase ? int(6, 12) : int(childCount - 1, 17);
    const hh: Member[] = [];

    const newMember = (role: Member['role'], sex: 'FEMALE' | 'MALE', ageYears: number, familyName: string): Member => {
      const key = `H${String(h).padStart(3, '0')}-${nextSerial()}`;
      const unborn = role === 'UNBORN';
      const birth = unborn ? null : new Date(asOf.getTime() - (ageYears * 365 + int(0, 364)) * DAY);
      const data: Record<string, unknown> = {
        kind: unborn ? 'UNBORN' : role === 'CHILD' ? 'CHILD' : 'ADULT',
        givenName: unborn ? 'Baby' : pick(sex === 'FEMALE' ? GIVEN_FEMALE : GIVEN_MALE),
        familyName,
        address,
        postcode,
        laPersonId: `EXD-${key}`,
        ...demographics(),
      };
      if (unborn) data.expectedDateOfDelivery = isoDate(new Date(asOf.getTime() + int(20, 150) * DAY));
      else {
        data.dateOfBirth = isoDate(birth!);
        data.sex = chance(0.02) ? 'NOT_RECORDED' : sex;
        if (chance(0.96)) data.nhsNumber = nhsNumber();
      }
      if (role === 'CHILD' && ageYears >= 4 && ageYears <= 16)
        data.upn = `Z${String(h).padStart(4, '0')}${String(serial).padStart(7, '0')}${int(0, 9)}`;
      const m: Member = { key, role, data, ageYears, birth, flags: new Set() };
      hh.push(m);
      return m;
    };

    const mother = newMember('MOTHER', 'FEMALE', eldestAge + int(18, 32), surname);
    const fatherStatus = showcase
      ? 'partner'
      : weighted([
          ['present', 55],
          ['step', 15],
          ['partner', 10],
          ['absent', 20],
        ]);
    const father =
      fatherStatus === 'present' || fatherStatus === 'absent'
        ? newMember('FATHER', 'MALE', mother.ageYears + int(-3, 8), surname)
        : undefined;
    if (father && fatherStatus === 'absent') {
      father.data.address = `${int(1, 199)} ${pick(STREETS)}, ${TOWN}`;
      father.data.familyName = pick(SURNAMES);
    }
    const stepRole =
      fatherStatus === 'step' ? 'STEP_PARENT' : fatherStatus === 'partner' ? 'PARTNER_OF_PARENT' : undefined;
    const partner = stepRole ? newMember(stepRole, 'MALE', mother.ageYears + int(-5, 10), pick(SURNAMES)) : undefined;
    const children: Member[] = [];
    const ages = [eldestAge, ...Array.from({ length: childCount - 1 }, () => int(0, eldestAge))].sort((a, b) => b - a);
    for (const age of ages) children.push(newMember('CHILD', chance(0.5) ? 'FEMALE' : 'MALE', age, surname));
    const unborn = chance(0.06) ? newMember('UNBORN', 'FEMALE', 0, surname) : undefined;
    people.adults += 1 + (father ? 1 : 0) + (partner ? 1 : 0);
    people.children += children.length;
    people.unborn += unborn ? 1 : 0;

    // Household profile: level of social care involvement and the adults' difficulties.
    const level = showcase
      ? 'cp'
      : weighted([
          ['none', 35],
          ['early', 25],
          ['cin', 22],
          ['cp', 12],
          ['lac', 6],
        ]);
    const domesticAbuse = showcase || chance(level === 'none' ? 0.08 : 0.45);
    const perpetrator = domesticAbuse ? (partner ?? father) : undefined;
    const motherMentalHealth = chance(level === 'none' ? 0.1 : 0.35);
    const substance = chance(level === 'none' ? 0.04 : 0.25)
      ? chance(0.5)
        ? mother
        : (partner ?? father ?? mother)
      : undefined;
    const offender =
      perpetrator && (showcase || chance(0.6)) ? perpetrator : chance(0.05) ? (father ?? partner) : undefined;

    // Social care knows every member of every household (they are the demo's population register).
    for (const m of hh) ensureKnown('social-care', m);
    for (const c of unborn ? [...children, unborn] : children) {
      const rels: Array<{ relatedPersonRef: unknown; type: string }> = [
        { relatedPersonRef: refOf('social-care', mother), type: 'MOTHER' },
      ];
      if (father) rels.push({ relatedPersonRef: refOf('social-care', father), type: 'FATHER' });
      if (partner) rels.push({ relatedPersonRef: refOf('social-care', partner), type: stepRole! });
      for (const s of children)
        if (s !== c && children.indexOf(s) < children.indexOf(c))
          rels.push({ relatedPersonRef: refOf('social-care', s), type: 'SIBLING' });
      if (c === unborn)
        for (const s of children) rels.push({ relatedPersonRef: refOf('social-care', s), type: 'SIBLING' });
      const line = personLines['social-care'].find((l) => memberOfLine.get(l) === c)!;
      line.data.relationships = rels;
    }

    // --- Social care
    if (level !== 'none') {
      const legalStatus = { early: 'NONE', cin: 'CHILD_IN_NEED', cp: 'CHILD_PROTECTION_PLAN', lac: 'LOOKED_AFTER' }[
        level
      ]!;
      const categories =
        level === 'cp'
          ? [
              weighted([
                ['NEGLECT', 45],
                ['EMOTIONAL_ABUSE', 35],
                ['PHYSICAL_ABUSE', 10],
                ['SEXUAL_ABUSE', 4],
                ['MULTIPLE', 6],
              ]),
            ]
          : undefined;
      const worker = pick(SOCIAL_WORKERS);
      for (const c of children) {
        const fields: Record<string, unknown> = {
          legalStatus,
          allocatedWorker: worker,
          previousReferrals: int(0, level === 'early' ? 2 : 6),
          caseNotes: `Fictional case summary: ${level === 'early' ? 'early help assessment' : 'assessment and plan'} for the household.`,
        };
        if (categories) fields.cpCategories = categories;
        if ((level === 'lac' || (domesticAbuse && level === 'cp')) && chance(0.4)) {
          fields.protectedAddress = `Fictional placement address withheld (${pick(['refuge', 'foster placement', 'kinship carer'])})`;
        }
        const status = legalStatus === 'NONE' ? 'Early help' : legalStatus.toLowerCase().replace(/_/g, ' ');
        record('social-care', c, 'SOCIAL_CARE_INVOLVEMENT', `Open to children's social care: ${status}`, fields);
        if (chance(0.5))
          record('social-care', c, 'SOCIAL_CARE_CASE_NOTE', 'Home visit completed (fictional)', {
            caseNotes: 'Fictional note: child seen, home conditions discussed.',
          });
      }
      if (unborn && (level === 'cp' || level === 'lac')) {
        record(
          'social-care',
          unborn,
          'SOCIAL_CARE_INVOLVEMENT',
          'Pre-birth assessment',
          { legalStatus: 'CHILD_IN_NEED', allocatedWorker: worker, caseNotes: 'Fictional pre-birth assessment.' },
          when(new Date(asOf.getTime() - 120 * DAY)),
        );
      }
    }

    // --- Police
    if (domesticAbuse) {
      const victim = mother;
      for (let k = 0, n = int(1, 3); k < n; k++) {
        const at = when();
        const risk = weighted([
          ['STANDARD', 50],
          ['MEDIUM', 35],
          ['HIGH', 15],
        ]);
        record(
          'police',
          victim,
          'POLICE_DOMESTIC_ABUSE_NOTIFICATION',
          `Domestic abuse notification (${risk.toLowerCase()} risk)`,
          {
            personRole: 'VICTIM',
            incidentType: 'Domestic abuse',
            riskLevel: risk,
            detail: 'Fictional account of a verbal argument escalating at the home address.',
          },
          at,
        );
        if (perpetrator)
          record(
            'police',
            perpetrator,
            'POLICE_DOMESTIC_ABUSE_NOTIFICATION',
            'Domestic abuse notification: named suspect',
            {
              personRole: 'SUSPECT',
              incidentType: 'Domestic abuse',
              riskLevel: risk,
              detail: 'Fictional: suspect left before officers arrived.',
            },
            at,
          );
        for (const c of children)
          if (c.birth && c.birth < at)
            record(
              'police',
              c,
              'POLICE_DOMESTIC_ABUSE_NOTIFICATION',
              'Child present at domestic abuse incident',
              { personRole: 'PRESENT', incidentType: 'Domestic abuse', riskLevel: risk },
              at,
            );
      }
      if (perpetrator && (showcase || chance(0.6))) {
        perpetrator.data.pncId = `${String(int(5, 24)).padStart(2, '0')}/${String(++pncSerial).padStart(7, '0')}${pick('ABCDEFGHJKLMNPQRTUVWXYZ'.split(''))}`;
        record('police', perpetrator, 'POLICE_WARNING_MARKER', 'Warning markers: violence', {
          warningMarkers: ['VIOLENCE', chance(0.5) ? 'WEAPONS' : 'DOMESTIC_ABUSE_PERPETRATOR'],
        });
      }
      if (perpetrator && (showcase || chance(0.3))) {
        record('police', perpetrator, 'POLICE_INTELLIGENCE', 'Intelligence report', {
          intelligenceGrading: pick(['B2', 'C3', '2B2', '3C3']),
          detail: 'Fictional intelligence: reported to carry a bladed article.',
          informantIdentity: `Fictional source reference CHIS-${int(1000, 9999)}`,
        });
      }
    }
    for (const c of children) {
      if (c.ageYears >= 12 && chance(level === 'none' ? 0.03 : 0.15)) {
        record(
          'police',
          c,
          'POLICE_INCIDENT',
          pick([
            'Missing from home episode',
            'Found in company of older adults late at night',
            'Anti-social behaviour report',
          ]),
          {
            personRole: pick(['VICTIM', 'PRESENT', 'SUSPECT']),
            incidentType: pick(['Missing person', 'Child exploitation concern', 'Anti-social behaviour']),
            detail: 'Fictional incident detail.',
          },
          when(new Date(c.birth!.getTime() + 11 * 365 * DAY)),
        );
      }
    }

    // --- Health
    for (const c of children) {
      record(
        'health',
        c,
        'HEALTH_GP_REGISTRATION',
        'Registered with GP practice',
        { registeredGp: pick(GP_PRACTICES) },
        when(c.birth),
      );
      if (c.ageYears < 5)
        record(
          'health',
          c,
          'HEALTH_VISITING',
          pick(['Health visitor new birth visit', '1 year review', '2–2½ year review']),
          { practitioner: 'HV Example (fictional)', clinicalNotes: 'Fictional: development within expected range.' },
        );
      if (c.ageYears >= 5 && c.ageYears <= 16 && chance(level === 'none' ? 0.05 : 0.25))
        record('health', c, 'HEALTH_SCHOOL_NURSING', 'School nurse contact', {
          practitioner: 'School Nurse Example (fictional)',
          clinicalNotes: 'Fictional: wellbeing check.',
        });
      if (chance(level === 'none' ? 0.1 : 0.25))
        record(
          'health',
          c,
          'HEALTH_ED_ATTENDANCE',
          pick(['ED attendance: minor injury', 'ED attendance: fever', 'ED attendance: head injury']),
          { clinicalNotes: 'Fictional: treated and discharged.' },
        );
      if (c.ageYears >= 11 && chance(level === 'none' ? 0.04 : 0.15))
        record('health', c, 'HEALTH_MENTAL_HEALTH', 'Referral to children and young people’s mental health service', {
          mentalHealthInvolvement: true,
          clinicalNotes: 'Fictional: low mood, assessment offered.',
        });
      if (c.ageYears < 1)
        record(
          'health',
          mother,
          'HEALTH_MATERNITY',
          'Postnatal care',
          { practitioner: 'Midwife Example (fictional)', clinicalNotes: 'Fictional postnatal check.' },
          when(c.birth),
        );
    }
    record('health', mother, 'HEALTH_GP_REGISTRATION', 'Registered with GP practice', {
      registeredGp: pick(GP_PRACTICES),
    });
    if (unborn) {
      record(
        'health',
        unborn,
        'HEALTH_MATERNITY',
        'Antenatal booking',
        { practitioner: 'Midwife Example (fictional)', clinicalNotes: 'Fictional booking appointment.' },
        when(new Date(asOf.getTime() - 150 * DAY)),
      );
      record(
        'health',
        mother,
        'HEALTH_MATERNITY',
        'Antenatal care',
        { practitioner: 'Midwife Example (fictional)', clinicalNotes: 'Fictional antenatal appointment.' },
        when(new Date(asOf.getTime() - 150 * DAY)),
      );
    }
    if (motherMentalHealth)
      record('health', mother, 'HEALTH_MENTAL_HEALTH', 'Community mental health team involvement', {
        mentalHealthInvolvement: true,
        clinicalNotes: 'Fictional: anxiety and low mood, under review.',
      });
    if (substance)
      record('health', substance, 'HEALTH_SUBSTANCE_MISUSE', 'Substance misuse service engagement', {
        substanceMisuseInvolvement: true,
        clinicalNotes: 'Fictional: alcohol use, attending appointments.',
      });

    // --- Probation
    if (offender) {
      const mappa = weighted([
        ['NONE', 70],
        ['LEVEL_1', 20],
        ['LEVEL_2', 8],
        ['LEVEL_3', 2],
      ]);
      record(
        'probation',
        offender,
        'PROBATION_SUPERVISION',
        `Under probation supervision${mappa === 'NONE' ? '' : ` (MAPPA ${mappa.replace('LEVEL_', 'level ')})`}`,
        {
          underSupervision: true,
          mappaLevel: mappa,
          riskOfSeriousHarmToChildren: weighted([
            ['LOW', 40],
            ['MEDIUM', 40],
            ['HIGH', 17],
            ['VERY_HIGH', 3],
          ]),
          offenceSummary: `Fictional offence: ${pick(['assault', 'criminal damage', 'breach of a non-molestation order', 'theft'])}.`,
          licenceConditions: chance(0.5)
            ? ['Fictional: not to contact the named victim', 'Fictional: reside at approved address']
            : ['Fictional: attend appointments as directed'],
        },
      );
    }

    // --- Education
    for (const c of children) {
      if (c.ageYears < 4 || c.ageYears > 16) continue;
      const secondary = c.ageYears >= 11;
      const attendance = level === 'none' ? int(88, 100) : int(62, 98);
      record('education', c, 'EDUCATION_ENROLMENT', `Enrolled, attendance ${attendance}%`, {
        school: pick(secondary ? SECONDARY_SCHOOLS : PRIMARY_SCHOOLS),
        attendancePercent: attendance,
        senStatus: weighted([
          ['NONE', 82],
          ['SEN_SUPPORT', 13],
          ['EHC_PLAN', 5],
        ]),
      });
      if (secondary && chance(level === 'none' ? 0.03 : 0.15))
        record('education', c, 'EDUCATION_EXCLUSION', 'Suspension', {
          exclusions: int(1, 4),
          school: pick(SECONDARY_SCHOOLS),
        });
      if (level !== 'none' && chance(0.4))
        record('education', c, 'EDUCATION_DSL_NOTE', 'Designated safeguarding lead note', {
          dslNotes: 'Fictional: child disclosed worries about arguments at home.',
        });
    }

    // The worked example: the child with records from the most agencies (ties: the first).
    for (const c of children) {
      const score = [...c.flags].filter((f) => f.startsWith('agency:')).length;
      if (score > exampleScore) {
        exampleScore = score;
        example = c;
      }
    }
  }

  // Social care's register first (adults before the children who refer to them), then each agency's own people, then records.
  const sc = personLines['social-care'];
  lines.push(...sc.filter((l) => l.data.kind === 'ADULT'), ...sc.filter((l) => l.data.kind !== 'ADULT'));
  for (const a of AGENCIES) if (a !== 'social-care') lines.push(...personLines[a]);
  lines.push(...recordLines);
  // Person lines were built before pncId etc. were added to the shared data: refresh them from the members.
  for (const l of lines) {
    const m = memberOfLine.get(l);
    if (!m) continue;
    const { relationships } = l.data;
    l.data = {
      sourceSystem: l.data.sourceSystem,
      sourceReference: l.data.sourceReference,
      ...m.data,
      ...(relationships ? { relationships } : {}),
    };
  }
  if (!example) throw new Error('the demo needs at least one household');
  // The police know the example child when they hold a record about it; otherwise show social care's view.
  const exampleAgency: DemoAgency = known.police.has(example.key) ? 'police' : 'social-care';
  return {
    lines,
    people,
    example: {
      agency: exampleAgency,
      ...refOf(exampleAgency, example),
      familyName: example.data.familyName as string,
      givenName: example.data.givenName as string,
      dateOfBirth: example.data.dateOfBirth as string,
    },
  };
}
