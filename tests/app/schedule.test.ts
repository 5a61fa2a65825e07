import { describe, expect, it } from 'vitest';
import { buildSchedule, parseAt } from '../../src/app/schedule.js';

const base = { node: '/usr/bin/node', cli: '/opt/claimwatch/bin/claimwatch.js', db: '/home/ann/lib.db', email: 'ann@example.org' };

describe('schedule', () => {
  it('converts 02:30 US Eastern to local time, with daylight saving', () => {
    // 27 November: Eastern is UTC-5, so 02:30 Eastern is 07:30 UTC and 08:30 in Paris.
    const winter = buildSchedule({ ...base, at: '02:30', now: new Date('2026-11-27T12:00:00Z'), localZone: 'UTC' });
    expect(winter.localAt).toBe('07:30');
    expect(winter.crontab).toMatch(/^30 7 \* \* \* NCBI_EMAIL=ann@example\.org \/usr\/bin\/node \/opt\/claimwatch\/bin\/claimwatch\.js --no-color --db \/home\/ann\/lib\.db search$/m);
    expect(buildSchedule({ ...base, at: '02:30', now: new Date('2026-11-27T12:00:00Z'), localZone: 'Europe/Paris' }).localAt).toBe('08:30');
    // July: Eastern is UTC-4.
    expect(buildSchedule({ ...base, at: '02:30', now: new Date('2026-07-01T12:00:00Z'), localZone: 'UTC' }).localAt).toBe('06:30');
  });

  it('names the Eastern zone in the systemd timer and never prints a key', () => {
    const s = buildSchedule({ ...base, at: '23:15', now: new Date('2026-11-27T12:00:00Z'), localZone: 'UTC' });
    expect(s.timer).toContain('OnCalendar=*-*-* 23:15:00 America/New_York');
    expect(s.timer).toContain('Persistent=true');
    expect(s.service).toContain('ExecStart=/usr/bin/node /opt/claimwatch/bin/claimwatch.js --no-color --db /home/ann/lib.db search');
    expect(`${s.crontab}${s.service}${s.timer}`).not.toMatch(/NCBI_API_KEY=[A-Za-z0-9]/);
  });

  it('quotes paths with spaces', () => {
    const s = buildSchedule({ ...base, db: '/home/ann/my lib.db', at: '02:30', now: new Date('2026-11-27T12:00:00Z'), localZone: 'UTC' });
    expect(s.crontab).toContain("--db '/home/ann/my lib.db' search");
  });

  it('accepts only times inside NCBI off-peak hours', () => {
    expect(parseAt('2:05')).toBe('02:05');
    expect(parseAt('21:00')).toBe('21:00');
    expect(parseAt('05:00')).toBe('05:00');
    expect(() => parseAt('12:00')).toThrow(/off-peak/);
    expect(() => parseAt('25:00')).toThrow(/not a time/);
  });
});
