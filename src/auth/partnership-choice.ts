import type { Viewer } from '../access-policy/viewer';
import { HubError } from '../shared/errors';

/** The HTTP header (and graphql-ws connection parameter) naming the partnership a request acts in. */
export const PARTNERSHIP_HEADER = 'x-mash-partnership';

const refused = (message: string) => new HubError('FORBIDDEN', message, { http: { status: 403 } });

/**
 * The one partnership a request acts in (ADR 016): the one it names, when its token allows it; or,
 * when it names none, the token's only partnership. A token naming several needs the request to
 * choose. Messages name the header, never the partnerships the token holds.
 */
export function choosePartnership(viewer: Viewer, requested: readonly string[]): string {
  const allowed = viewer.partnerships ?? [];
  if (requested.length > 1) throw refused(`Send at most one ${PARTNERSHIP_HEADER}`);
  const named = requested[0]?.trim();
  if (named === undefined || named === '') {
    if (allowed.length === 1) return allowed[0]!;
    throw refused(`This token may act for several partnerships: name one in ${PARTNERSHIP_HEADER}`);
  }
  if (!allowed.includes(named))
    throw refused('This token may not act for the partnership named in ' + PARTNERSHIP_HEADER);
  return named;
}
