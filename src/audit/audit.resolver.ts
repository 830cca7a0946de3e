import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context/context';
import { badInput } from '../shared/errors';
import { checkAnchor, loadAnchorKey, type SignedAnchor } from './anchor';
import { verifyAuditChain } from './chain-verify';
import { AuditChainVerification } from './audit.types';

/** The information-governance side of the audit (C5): IG_AUDITOR only (shield.ts); every call is audited. */
@Resolver()
export class AuditResolver {
  @Query(() => AuditChainVerification, { description: 'Recompute the audit hash chain; optionally against a previously exported head (npm run audit:anchor)' })
  async verifyAuditChain(
    @Arg('anchor', () => String, { nullable: true }) anchorText: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<AuditChainVerification> {
    ctx.access.declarePurpose('IG_AUDIT');
    ctx.access.alwaysAudit = true;
    let anchor: SignedAnchor | null = null;
    if (anchorText != null) {
      if (anchorText.length > 2000) throw badInput('anchor', 'must be at most 2000 characters');
      const checked = checkAnchor(anchorText, loadAnchorKey(ctx.hub.config.dataDir));
      if ('error' in checked) throw badInput('anchor', checked.error);
      anchor = checked.anchor;
    }
    return verifyAuditChain(ctx.hub.dataSource, { anchor });
  }
}
