import { describe, expect, it } from 'vitest';
import { earningsCell, formatBytes, formatDuration, pullSummary, shortImage, timeSummary } from './format.js';

describe('jobs page formatting', () => {
  it('formats bytes and durations in plain words', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(5_279_443)).toBe('5.0 MB');
    expect(formatDuration(65)).toBe('1 min 5 s');
    expect(formatDuration(3 * 3600 + 120)).toBe('3 h 2 min');
    expect(timeSummary({ elapsedSeconds: 5, maxDurationSeconds: 60 })).toBe('5 s of at most 1 min 0 s');
  });
  it('shortens digests', () => {
    expect(shortImage(`127.0.0.1:5000/test@sha256:${'ab'.repeat(32)}`)).toBe('127.0.0.1:5000/test@abababababab…');
  });
  it('summarises pull progress with and without totals', () => {
    expect(pullSummary({ bytesDone: 1024 * 1024, bytesTotal: 4 * 1024 * 1024, layersDone: 0, layersTotal: 1, cached: false })).toEqual({ text: 'Downloaded 1.0 MB of 4.0 MB (0 of 1 layer)', fraction: 0.25 });
    expect(pullSummary({ bytesDone: 0, bytesTotal: null, layersDone: 1, layersTotal: 2, cached: false }).fraction).toBe(0.5);
    expect(pullSummary({ bytesDone: 0, bytesTotal: 0, layersDone: 0, layersTotal: 0, cached: true }).text).toMatch(/already/);
  });
  it('shows a dash for earnings until the ledger credits them', () => {
    expect(earningsCell({ creditedEarnings: null, estimatedEarnings: '91500' })).toEqual({ text: '—', hint: expect.stringContaining('91500') });
    expect(earningsCell({ creditedEarnings: '10', estimatedEarnings: '12' }).text).toBe('10 base units');
  });
});
