import { describe, expect, it } from 'vitest';
import { readCalendarDate } from '../../src/evidence/dates.js';

describe('readCalendarDate: the one reader of --since dates', () => {
  it('reads both spellings into YYYY-MM-DD', () => {
    expect(readCalendarDate('2024-02-29')).toBe('2024-02-29');
    expect(readCalendarDate(' 2024/01/31 ')).toBe('2024-01-31');
  });

  it('refuses impossible days, mixed separators and other shapes', () => {
    for (const bad of ['2023-02-29', '2024-13-01', '2024/02-01', '2024-1-5', 'yesterday', '']) expect(readCalendarDate(bad), bad).toBeNull();
  });
});
