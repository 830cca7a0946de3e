import fs from 'node:fs';
import path from 'node:path';

/**
 * Each table described once (issue 18, ADR 031). A repository reads a table's own columns through a
 * read shape of its entity (`src/db/read-shape.ts`), so adding a column touches the migration, the
 * entity and the GraphQL type. The views still hand-described in a repository (an interface restating
 * the entity's columns and a mapper casting each one) are listed below; the list may only shrink (a
 * listed view that no longer exists fails too, so the list is kept honest), and a new repository
 * view must be a read shape.
 */
const STILL_HAND_DESCRIBED: readonly string[] = ['src/people/people.repository.ts:MatchView'];

const root = path.resolve(__dirname, '..');

function repositoryFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return repositoryFiles(full);
    return entry.name.endsWith('.repository.ts') ? [full] : [];
  });
}

/** `interface XView` declarations in repositories: a view restated by hand. */
function handDescribedViews(): string[] {
  return repositoryFiles(path.join(root, 'src'))
    .flatMap((file) => {
      const relative = path.relative(root, file).split(path.sep).join('/');
      const names = [...fs.readFileSync(file, 'utf8').matchAll(/^(?:export )?interface (\w+View)\b/gm)].map(
        (m) => m[1],
      );
      return names.map((name) => `${relative}:${name}`);
    })
    .sort();
}

describe('each table described once (ADR 031)', () => {
  it('given the repositories, when their views are read, then no view is hand-described beyond the shrinking list', () => {
    const found = handDescribedViews();
    expect(found.filter((view) => !STILL_HAND_DESCRIBED.includes(view))).toEqual([]);
  });

  it('given the shrinking list, when compared with the repositories, then every listed view still exists (the list is kept honest)', () => {
    const found = new Set(handDescribedViews());
    expect(STILL_HAND_DESCRIBED.filter((view) => !found.has(view))).toEqual([]);
  });

  it('given the converted repositories, when read, then each reads its table through a read shape of its entity', () => {
    for (const file of [
      'src/lado/lado.repository.ts',
      'src/private-fostering/private-fostering.repository.ts',
      'src/early-help/early-help.repository.ts',
      'src/missing/missing.repository.ts',
      'src/exploitation/exploitation.repository.ts',
      'src/meetings/meetings.repository.ts',
      'src/people/people.repository.ts',
      'src/records/records.repository.ts',
      'src/referrals/referrals.repository.ts',
      'src/child-protection/child-protection.repository.ts',
      'src/break-glass/break-glass.repository.ts',
      'src/people/data-quality.repository.ts',
    ]) {
      expect(fs.readFileSync(path.join(root, file), 'utf8')).toMatch(/readShape\(\w+Entity, '[a-z]+', \[/);
    }
  });
});
