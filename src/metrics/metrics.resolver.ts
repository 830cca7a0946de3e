import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context/context';
import { computeMetrics, type MetricsResult, type PeriodBreakdown } from './metrics.service';
import { Metrics, MetricsPeriodInput } from './metrics.type';
import { loadMetricsSettings } from './settings';

/** Thin adapter; who may call it is in access-policy/shield.ts (MASH managers and IG auditors). */
@Resolver()
export class MetricsResolver {
  @Query(() => Metrics, {
    description: 'Governance metrics for a period and the previous one; counts and durations only',
  })
  async metrics(
    @Arg('period', () => MetricsPeriodInput) period: MetricsPeriodInput,
    @Arg('team', () => String, { nullable: true, description: 'A team configured in MASH_METRICS_FILE' })
    team: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Metrics> {
    const settings = loadMetricsSettings(ctx.hub.config.metricsFile);
    return toGraphql(await computeMetrics(ctx.hub.dataSource, ctx.hub.agencies, settings, { period, team }));
  }
}

function breakdown(b: PeriodBreakdown) {
  return {
    ...b,
    period: { ...b.period, startsAt: b.startsAt, endsAt: b.endsAt },
    strategyDiscussions: {
      held: b.strategyDiscussions.meetings,
      nonQuorate: b.strategyDiscussions.nonQuorateMeetings,
      attendanceByAgency: b.strategyDiscussions.byAgency,
    },
    icpcTimeliness: b.icpc,
  };
}

export function toGraphql(r: MetricsResult): Metrics {
  return { ...r, current: breakdown(r.current), previous: breakdown(r.previous) } as Metrics;
}
