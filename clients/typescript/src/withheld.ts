/**
 * The hub answers a field the viewer may not read with null and an entry in
 * `extensions.redactions` ({ path, reason }). A partner app must not show such a null as "not
 * recorded": these helpers turn the entries into what a screen can say ("Withheld — need to know").
 */
import type { RedactionReason } from './generated/operations';

export interface Withheld {
  /** The response path, e.g. `person.records.0.clinicalNotes`. */
  path: string;
  /** The field's name, e.g. `clinicalNotes`. */
  field: string;
  reason: RedactionReason;
  /** The reason in words, for the screen. */
  explanation: string;
}

/** Typed over every reason the hub has: a new reason fails the client's type-check until it has words. */
const EXPLANATION: Record<RedactionReason, string> = {
  NEED_TO_KNOW: 'withheld: need to know',
  PURPOSE_INSUFFICIENT: 'withheld: the purpose you declared does not cover it',
  SEALED: 'withheld: sealed by the agency that holds it',
  NO_CASE_CONTENT: 'withheld: your role sees no case content',
};

export function withheldFields(redactions: ReadonlyArray<{ path: string; reason: string }>): Withheld[] {
  return redactions.map(({ path, reason }) => {
    const known = reason in EXPLANATION ? (reason as RedactionReason) : null;
    return {
      path,
      field:
        path
          .split('.')
          .filter((p) => !/^\d+$/.test(p))
          .at(-1) ?? path,
      // A reason newer than this client is still withheld, never shown as an empty value.
      reason: known ?? ('NEED_TO_KNOW' as const),
      explanation: known ? EXPLANATION[known] : 'withheld',
    };
  });
}

/**
 * For apps on another GraphQL client (Apollo Client, urql): a GraphQL response as data plus what
 * was withheld.
 */
export function readWithheld<R>(response: {
  data?: R | null;
  extensions?: { redactions?: Array<{ path: string; reason: string }> };
}): {
  data: R | null;
  withheld: Withheld[];
} {
  return { data: response.data ?? null, withheld: withheldFields(response.extensions?.redactions ?? []) };
}

/** Why the value at `path` is null when it was withheld; undefined when it simply is not recorded. */
export function withheldAt(withheld: readonly Withheld[], path: string): Withheld | undefined {
  return withheld.find((w) => w.path === path);
}
