import { parseMeetingSettings } from './settings';
import { DEFAULT_REQUIRED_AGENCIES } from './vocabulary';

describe('meeting settings', () => {
  it('keeps the product defaults when nothing is overridden', () => {
    expect(parseMeetingSettings({}).requiredAgencies).toEqual(DEFAULT_REQUIRED_AGENCIES);
    expect(DEFAULT_REQUIRED_AGENCIES.STRATEGY_DISCUSSION).toEqual({
      kinds: ['SOCIAL_CARE', 'POLICE', 'HEALTH'],
      educationIfSchoolAge: true,
    });
  });

  it('states the quorum rule: only attendance counts unless the partnership counts information sent', () => {
    expect(parseMeetingSettings({}).quorum).toEqual({ informationOnlyCounts: false });
    expect(parseMeetingSettings({ quorum: { informationOnlyCounts: true } }).quorum).toEqual({
      informationOnlyCounts: true,
    });
  });

  it('overrides one meeting type and leaves the others', () => {
    const s = parseMeetingSettings({
      requiredAgencies: { STRATEGY_DISCUSSION: { kinds: ['SOCIAL_CARE', 'POLICE', 'HEALTH', 'PROBATION'] } },
    });
    expect(s.requiredAgencies.STRATEGY_DISCUSSION).toEqual({
      kinds: ['SOCIAL_CARE', 'POLICE', 'HEALTH', 'PROBATION'],
      educationIfSchoolAge: true,
    });
    expect(s.requiredAgencies.CORE_GROUP).toEqual(DEFAULT_REQUIRED_AGENCIES.CORE_GROUP);
  });

  it.each([
    [{ requiredAgencies: { NOT_A_MEETING: { kinds: [] } } }, 'requiredAgencies'],
    [{ requiredAgencies: { CORE_GROUP: { kinds: ['NOT_A_KIND'] } } }, 'requiredAgencies.CORE_GROUP.kinds.0'],
    [{ requiredAgencies: { CORE_GROUP: { kinds: [], extra: 1 } } }, 'requiredAgencies.CORE_GROUP'],
    [{ unknown: true }, '(root)'],
    [{ quorum: { informationOnlyCounts: 'yes' } }, 'quorum.informationOnlyCounts'],
    [{ quorum: { countsApologies: true } }, 'quorum'],
  ])('rejects %j naming %s', (raw, where) => {
    expect(() => parseMeetingSettings(raw)).toThrow(
      new RegExp(`^MASH_MEETINGS_FILE: ${where.replace(/[.()]/g, '\\$&')}`),
    );
  });
});
