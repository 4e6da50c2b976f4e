import { describe, expect, it } from 'vitest';
import { cellLabel, everyDay, hoursChosen, paintRect, setCell } from './grid.js';

const empty = '0'.repeat(336);

describe('weekly grid painting', () => {
  it('paints a rectangle across days and hours, in either drag direction', () => {
    const a = paintRect(empty, 0 * 48 + 46, 2 * 48 + 47, true); // Mon 23:00 → Wed 23:30
    expect(hoursChosen(a)).toBe(3);
    expect(paintRect(empty, 2 * 48 + 47, 46, true)).toBe(a);
    expect(hoursChosen(paintRect(a, 48 + 46, 48 + 47, false))).toBe(2);
  });
  it('presets wrap past midnight', () => {
    const nights = everyDay(23, 7);
    expect(nights.slice(0, 48)).toBe('1'.repeat(14) + '0'.repeat(32) + '11');
    expect(hoursChosen(nights)).toBe(56);
    expect(hoursChosen(everyDay(0, 24))).toBe(168);
  });
  it('labels cells and ignores out-of-range indexes', () => {
    expect(cellLabel(0)).toBe('Mon 00:00–00:30');
    expect(cellLabel(335)).toBe('Sun 23:30–00:00');
    expect(setCell(empty, 400, true)).toBe(empty);
  });
});
