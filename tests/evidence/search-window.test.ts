import { describe, expect, it } from 'vitest';
import { addDays, entrezDate, parseSince, searchWindow } from '../../src/evidence/search-window.js';

describe('search window', () => {
  it('asks for everything on a first run and moves the mark', () => {
    expect(searchWindow(null, '2026/11/27')).toEqual({ mindate: null, maxdate: null, advances: true });
  });

  it('starts two days before the last successful run and ends today', () => {
    expect(searchWindow('2026/11/20', '2026/11/27')).toEqual({ mindate: '2026/11/18', maxdate: '2026/11/27', advances: true });
  });

  it('crosses month and leap-year boundaries', () => {
    expect(addDays('2024/03/01', -2)).toBe('2024/02/28');
    expect(addDays('2023/03/01', -2)).toBe('2023/02/27');
    expect(addDays('2026/01/01', -2)).toBe('2025/12/30');
  });

  it('never moves the mark when --since starts after the usual window (that would leave a gap)', () => {
    expect(searchWindow('2026/01/10', '2026/11/27', '2026/11/01').advances).toBe(false);
    expect(searchWindow('2026/11/20', '2026/11/27', '2026/11/01').advances).toBe(true);
    expect(searchWindow(null, '2026/11/27', '2026/11/01').advances).toBe(false);
  });

  it('reads --since in both date spellings and refuses bad ones', () => {
    expect(parseSince('2024-01-31', '2026/11/27')).toBe('2024/01/31');
    expect(parseSince('2024/01/31', '2026/11/27')).toBe('2024/01/31');
    expect(() => parseSince('2024/02/30', '2026/11/27')).toThrow(/not a real date/);
    expect(() => parseSince('yesterday', '2026/11/27')).toThrow(/not a date/);
    expect(() => parseSince('2027/01/01', '2026/11/27')).toThrow(/after today/);
  });

  it('formats the local calendar date', () => {
    expect(entrezDate(new Date(2026, 0, 5, 23, 59))).toBe('2026/01/05');
  });
});
