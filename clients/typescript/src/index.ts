export {
  createHubClient,
  HubError,
  type HubClient,
  type HubClientOptions,
  type HubResponse,
  type Redaction,
  type TokenProvider,
  type TokenRequest,
} from './client';
export { readWithheld, withheldAt, withheldFields, type Withheld } from './withheld';
export * from './generated/operations';
export { hubConnectionParams, subscribe, type SubscribingClient, type SubscriptionHandlers } from './subscriptions';
