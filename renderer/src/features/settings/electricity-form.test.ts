import { describe, expect, it } from 'vitest';
import { hourLabel, readPriceInput } from './electricity-form.js';

describe('electricity form', () => {
  it('reads a price per kWh as the decimal text core keeps', () => {
    expect(readPriceInput(' 0.25 ')).toEqual({ ok: true, value: '0.25' });
    expect(readPriceInput('0,31')).toEqual({ ok: true, value: '0.31' });
    expect(readPriceInput('')).toEqual({ ok: true, value: null });
    for (const bad of ['€0.25', '-1', '1e-3', 'abc']) expect(readPriceInput(bad).ok).toBe(false);
  });

  it('labels hours on a 24 h clock', () => {
    expect([0, 6, 22].map(hourLabel)).toEqual(['00:00', '06:00', '22:00']);
  });
});
