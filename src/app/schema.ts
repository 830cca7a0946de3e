import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { buildSchemaSync } from 'type-graphql';
import { installFieldGuards } from '../access-policy/field-guard';
import { installFilterGuards } from '../access-policy/filter-policy';
import { ENTRY_POINT_RULES, entryPointShield } from '../access-policy/shield';
import { AuditResolver } from '../governance/audit.resolver';
import { BreakGlassResolver } from '../break-glass/break-glass.resolver';
import { MeResolver } from '../agencies/me.resolver';
import { MeetingsResolver } from '../meetings/meetings.resolver';
import { DataQualityResolver } from '../people/data-quality.resolver';
import { PeopleResolver } from '../people/people.resolver';
import { RECORD_OBJECT_TYPES } from '../records/agency-record.type';
import { RecordsResolver } from '../records/records.resolver';
import { PersonRecordsResolver } from '../records/person-records.resolver';
import { ReferralQueueResolver, ReferralsResolver } from '../referrals/referrals.resolver';
import { PersonReferralsResolver } from '../referrals/person-referrals.resolver';
import { ThresholdsResolver } from '../referrals/thresholds.resolver';
import { MetricsResolver } from '../metrics/metrics.resolver';
import { ChildProtectionResolver, PersonChildProtectionResolver } from '../child-protection/child-protection.resolver';
import { ChildProtectionCasesResolver } from '../child-protection/child-protection-cases.resolver';
import { MissingEpisodesResolver } from '../missing/missing.resolver';
import { PrivateFosteringResolver } from '../private-fostering/private-fostering.resolver';
import { EarlyHelpResolver } from '../early-help/early-help.resolver';
import { ExploitationResolver } from '../exploitation/exploitation.resolver';
import { LadoResolver } from '../lado/lado.resolver';

/**
 * type-graphql refuses to build subscriptions without a pubSub, even when every subscription has
 * its own `subscribe` (ours read from the PostgreSQL LISTEN fan-out, src/events/listener.ts).
 * This one fails loudly if a topic-based subscription is ever added by mistake.
 */
const NO_TOPIC_PUBSUB = {
  publish(): void {
    throw new Error('topic-based subscriptions are not used: publish with notifyEvent');
  },
  subscribe(): AsyncIterable<unknown> {
    throw new Error('topic-based subscriptions are not used: give @Subscription a subscribe function');
  },
};

export const RESOLVERS = [
  MeResolver,
  PeopleResolver,
  RecordsResolver,
  PersonRecordsResolver,
  ReferralsResolver,
  ReferralQueueResolver,
  PersonReferralsResolver,
  ThresholdsResolver,
  MetricsResolver,
  AuditResolver,
  BreakGlassResolver,
  MeetingsResolver,
  DataQualityResolver,
  ChildProtectionResolver,
  PersonChildProtectionResolver,
  ChildProtectionCasesResolver,
  MissingEpisodesResolver,
  EarlyHelpResolver,
  LadoResolver,
  ExploitationResolver,
  PrivateFosteringResolver,
] as const;

/** The bare schema: types and resolvers, no access control. Used by the printer and the bench twin. */
export function buildBareSchema(): GraphQLSchema {
  return buildSchemaSync({
    resolvers: [...RESOLVERS] as never,
    orphanedTypes: [...RECORD_OBJECT_TYPES],
    validate: false,
    emitSchemaFile: false,
    pubSub: NO_TOPIC_PUBSUB,
  });
}

/** The served schema: entry points under graphql-shield (deny by default), fields and filters under their guards. */
export function buildSchema(): GraphQLSchema {
  const schema = installFilterGuards(installFieldGuards(buildBareSchema()));
  return applyMiddleware(schema, entryPointShield(ENTRY_POINT_RULES as never));
}

export function printSortedSchema(schema: GraphQLSchema = buildBareSchema()): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
