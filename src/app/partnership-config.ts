import path from 'node:path';
import { z } from 'zod';
import { readJsonFile } from '../config/json-file';
import type { Config } from '../config';
import type { Hub } from '../context/context';
import { AgencyDirectory, type Agency } from '../auth/agencies';
import { AccessPolicy } from '../access-policy/policy';
import { applyPartnershipSettings, loadPartnershipSettings } from '../referrals/settings';
import { clearPartnershipClocks } from '../referrals/clocks';
import { applyMeetingSettings, clearPartnershipMeetingSettings, loadMeetingSettings } from '../meetings/settings';
import { loadMetricsSettings } from '../metrics/settings';
import { PARTNERSHIP_ID } from '../shared/partnership';

/**
 * Per-partnership configuration (ADR 028): MASH_PARTNERSHIPS_FILE maps a partnership id to its own
 * files, each in the format of the deployment-wide variable it stands in for:
 *
 *   { "southvale": { "agenciesFile": "southvale/agencies.json",    (MASH_AGENCIES_FILE)
 *                    "policyFile": "southvale/policy.json",        (MASH_POLICY_FILE)
 *                    "timescalesFile": "southvale/timescales.json", (MASH_PARTNERSHIP_FILE: calendar,
 *                                                                    closure days, RAG targets, thresholds)
 *                    "meetingsFile": "southvale/meetings.json",    (MASH_MEETINGS_FILE: quorum rule)
 *                    "metricsFile": "southvale/metrics.json" } }   (MASH_METRICS_FILE)
 *
 * Paths are relative to the partnerships file. A partnership not named, or a file a partnership does
 * not name, falls back to the deployment's. Every file is read and validated at start: a bad one
 * stops the hub naming the partnership, the file and the field (never a value).
 */

const VARIABLE = 'MASH_PARTNERSHIPS_FILE';

const entrySchema = z
  .object({
    agenciesFile: z.string().min(1).optional(),
    policyFile: z.string().min(1).optional(),
    timescalesFile: z.string().min(1).optional(),
    meetingsFile: z.string().min(1).optional(),
    metricsFile: z.string().min(1).optional(),
  })
  .strict();

const fileSchema = z.record(z.string(), entrySchema).superRefine((file, ctx) => {
  for (const id of Object.keys(file))
    if (!PARTNERSHIP_ID.test(id))
      ctx.addIssue({ code: 'custom', path: [id], message: 'partnership ids are lower-case words joined by hyphens' });
});

type SettingsFiles = Pick<Config, 'agenciesFile' | 'policyFile' | 'partnershipFile' | 'meetingsFile' | 'metricsFile'>;

export interface PartnershipConfig {
  id: string;
  agencies: AgencyDirectory;
  policy: AccessPolicy;
  /** The files the settings loaders read for this partnership: its own, or the deployment's. */
  files: SettingsFiles;
  /** Which of them are the partnership's own (the rest are the deployment's). */
  own: { timescales: boolean; meetings: boolean };
}

/** Reads and validates MASH_PARTNERSHIPS_FILE and every file it names; [] when unset. */
export function loadPartnershipConfigs(config: Config): PartnershipConfig[] {
  if (!config.partnershipsFile) return [];
  const parsed = fileSchema.safeParse(readJsonFile(VARIABLE, config.partnershipsFile));
  if (!parsed.success) {
    throw new Error(
      `${VARIABLE}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`,
    );
  }
  const dir = path.dirname(config.partnershipsFile);
  const resolve = (file: string | undefined) => (file === undefined ? undefined : path.resolve(dir, file));
  const deploymentAgencies = AgencyDirectory.load(config.agenciesFile);
  const kinds = new Map(deploymentAgencies.list().map((a) => [a.code, a.kind]));
  const configs: PartnershipConfig[] = [];
  for (const [id, entry] of Object.entries(parsed.data)) {
    const source = (field: string) => `${VARIABLE}: ${id}.${field}`;
    const files: SettingsFiles = {
      agenciesFile: resolve(entry.agenciesFile) ?? config.agenciesFile,
      policyFile: resolve(entry.policyFile) ?? config.policyFile,
      partnershipFile: resolve(entry.timescalesFile) ?? config.partnershipFile,
      meetingsFile: resolve(entry.meetingsFile) ?? config.meetingsFile,
      metricsFile: resolve(entry.metricsFile) ?? config.metricsFile,
    };
    const agencies = entry.agenciesFile
      ? AgencyDirectory.load(files.agenciesFile, source('agenciesFile'))
      : deploymentAgencies;
    // One agency code means one agency everywhere: the token's agency kind is decided before the partnership is chosen.
    for (const a of agencies.list()) {
      const known = kinds.get(a.code);
      if (known && known !== a.kind)
        throw new Error(
          `${source('agenciesFile')}: agency ${a.code} is ${a.kind} here but ${known} elsewhere; one code, one kind`,
        );
      kinds.set(a.code, a.kind);
    }
    const policy = AccessPolicy.load(files.policyFile, entry.policyFile ? source('policyFile') : undefined);
    // Validate the settings files now (a bad one stops the hub); the loaders cache them by path.
    validateSettings(files, entry, source);
    configs.push({
      id,
      agencies,
      policy,
      files,
      own: { timescales: entry.timescalesFile !== undefined, meetings: entry.meetingsFile !== undefined },
    });
  }
  return configs;
}

function validateSettings(
  files: SettingsFiles,
  entry: z.infer<typeof entrySchema>,
  source: (field: string) => string,
): void {
  if (entry.timescalesFile) loadPartnershipSettings(files.partnershipFile, source('timescalesFile'));
  if (entry.meetingsFile) loadMeetingSettings(files.meetingsFile, source('meetingsFile'));
  if (entry.metricsFile) loadMetricsSettings(files.metricsFile, source('metricsFile'));
}

/**
 * Every agency a token may name: the deployment's and every partnership's (whether the agency is in
 * the partnership a request acts in is checked once the partnership is chosen).
 */
export function agenciesOfEveryPartnership(deployment: AgencyDirectory, configs: PartnershipConfig[]): AgencyDirectory {
  const all = new Map<string, Agency>(deployment.list().map((a) => [a.code, a]));
  for (const c of configs) for (const a of c.agencies.list()) if (!all.has(a.code)) all.set(a.code, a);
  return new AgencyDirectory([...all.values()]);
}

/**
 * Sets each partnership's own clocks and quorum rule (the domain settings keyed by partnership) and
 * returns each partnership's view of the hub: the same process-wide dependencies, with the
 * partnership's config files, agencies and policy. The context factory gives a request its
 * partnership's view as `ctx.hub`.
 */
export function partnershipHubs(hub: Hub, configs: PartnershipConfig[]): ReadonlyMap<string, Hub> {
  clearPartnershipClocks();
  clearPartnershipMeetingSettings();
  const views = new Map<string, Hub>();
  for (const c of configs) {
    if (c.own.timescales) applyPartnershipSettings(c.files.partnershipFile, c.id);
    if (c.own.meetings) applyMeetingSettings(c.files.meetingsFile, c.id);
    const view = Object.create(hub, {
      config: { value: Object.freeze({ ...hub.config, ...c.files }), enumerable: true },
      agencies: { value: c.agencies, enumerable: true },
      policy: { value: c.policy, enumerable: true },
    }) as Hub;
    views.set(c.id, view);
  }
  return views;
}
