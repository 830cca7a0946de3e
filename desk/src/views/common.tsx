/** Pieces every screen uses. */

/** An error the hub gave (its messages never carry personal data), announced to screen readers. */
export function ErrorMessage({ message }: { message: string | null }) {
  return message ? (
    <p role="alert" class="error">
      {message}
    </p>
  ) : null;
}

/** A link to a person by id (never by name in the URL); a withheld name says so. */
export function PersonLink({
  person,
}: {
  person: { id: string | null; givenName: string | null; familyName: string | null };
}) {
  const name = `${person.givenName ?? 'Name withheld'} ${person.familyName ?? ''}`.trim();
  return person.id ? <a href={`#/child/${person.id}`}>{name}</a> : <>{name}</>;
}
