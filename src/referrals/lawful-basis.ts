import { z } from 'zod';
import {
  ARTICLE_6_BASES,
  LAWFUL_BASES,
  SPECIAL_CATEGORY_CONDITIONS,
  legacyLawfulBasis,
  splitLawfulBasis,
  type Article6Basis,
  type LawfulBasis,
  type SpecialCategoryCondition,
} from './vocabulary';

/**
 * The lawful basis of one share (ADR 025): a referral, or an agency's answer to a check. UK GDPR
 * Article 6 basis and, for special-category data, the Article 9 / DPA 2018 Schedule 1 condition, as
 * two fields; the deprecated single value is folded into them.
 */
export const article6BasisSchema = z.enum(ARTICLE_6_BASES, {
  message: `must be an Article 6 basis: ${ARTICLE_6_BASES.join(', ')}`,
});
export const specialCategoryConditionSchema = z.enum(SPECIAL_CATEGORY_CONDITIONS, {
  message: `must be an Article 9 / Schedule 1 condition: ${SPECIAL_CATEGORY_CONDITIONS.join(', ')}`,
});
export const legacyLawfulBasisSchema = z.enum(LAWFUL_BASES);

export interface ShareBasisInput {
  article6Basis?: Article6Basis | null;
  specialCategoryCondition?: SpecialCategoryCondition | null;
  lawfulBasis?: LawfulBasis | null;
  consentSought?: boolean | null;
  consentGiven?: boolean | null;
}

export interface ShareBasis {
  article6Basis: Article6Basis | null;
  specialCategoryCondition: SpecialCategoryCondition | null;
  /** The deprecated single value equivalent to the two (kept for old readers). */
  lawfulBasis: LawfulBasis | null;
}

/** The two fields of a share, from the new fields or the deprecated one. */
export function shareBasisOf(v: ShareBasisInput): ShareBasis {
  const folded = v.lawfulBasis ? splitLawfulBasis(v.lawfulBasis) : null;
  const article6Basis = v.article6Basis ?? folded?.article6Basis ?? null;
  const specialCategoryCondition = v.specialCategoryCondition ?? folded?.specialCategoryCondition ?? null;
  return {
    article6Basis,
    specialCategoryCondition,
    lawfulBasis: legacyLawfulBasis(article6Basis, specialCategoryCondition),
  };
}

/**
 * The rules every share obeys, each naming its field: a condition needs an Article 6 basis; the
 * deprecated value is not mixed with the new fields; consent as a basis needs consent given; consent
 * is given only if sought.
 */
export function shareBasisProblems(v: ShareBasisInput): Array<{ field: keyof ShareBasisInput; message: string }> {
  const problems: Array<{ field: keyof ShareBasisInput; message: string }> = [];
  if (v.lawfulBasis && (v.article6Basis || v.specialCategoryCondition))
    problems.push({
      field: 'lawfulBasis',
      message: 'is deprecated: give article6Basis (and specialCategoryCondition) instead, not both',
    });
  const basis = shareBasisOf(v);
  if (basis.specialCategoryCondition && !basis.article6Basis)
    problems.push({
      field: 'article6Basis',
      message: 'is required with a special-category condition (Article 9 adds to Article 6, never replaces it)',
    });
  if (basis.article6Basis === 'CONSENT' && v.consentGiven !== true)
    problems.push({ field: 'article6Basis', message: 'CONSENT needs consent given' });
  if (basis.specialCategoryCondition === 'EXPLICIT_CONSENT' && v.consentGiven !== true)
    problems.push({ field: 'specialCategoryCondition', message: 'EXPLICIT_CONSENT needs consent given' });
  if (v.consentGiven && v.consentSought !== true)
    problems.push({ field: 'consentGiven', message: 'cannot be given if it was not sought' });
  return problems;
}

/** `shareBasisProblems` as zod issues. */
export function refineShareBasis(v: ShareBasisInput, ctx: z.RefinementCtx): void {
  for (const p of shareBasisProblems(v)) ctx.addIssue({ code: 'custom', path: [p.field], message: p.message });
}
