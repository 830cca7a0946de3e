import { referralWidth } from './referrals.repository';

describe('referralWidth: the columns a page of referrals reads', () => {
  it('reads the selected columns, the cursor keys and only the derived values asked for', () => {
    const w = referralWidth(new Set(['reference', 'waitingOn', '__typename']))!;
    expect([...w.columns].sort()).toEqual(['decision_due_at', 'id', 'rag', 'reference']);
    expect([...w.derived]).toEqual(['waiting_on']);
  });

  it('reads the whole row for a field it does not know (wider, never missing) and without a selection', () => {
    expect(referralWidth(new Set(['reference', 'someFieldAddedLater']))).toBeNull();
    expect(referralWidth(null)).toBeNull();
  });
});
