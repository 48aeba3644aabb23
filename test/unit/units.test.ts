import { describe, expect, it } from 'vitest';
import { parseCpus, parseDuration, parseSize } from '../../src/core/manifest/units.js';

const second = 1e9;
const mebibyte = 1024 ** 2;
const gibibyte = 1024 ** 3;

describe('parseDuration', () => {
  it.each([
    ['100ns', 100],
    ['10us', 10_000],
    ['10µs', 10_000],
    ['500ms', 0.5 * second],
    ['0s', 0],
    ['30s', 30 * second],
    ['1.5s', 1.5 * second],
    ['2m', 120 * second],
    ['1h', 3600 * second],
    ['1h30m', 5400 * second],
    ['1m30s500ms', 90.5 * second],
  ])('reads %s as %d nanoseconds', (text, nanoseconds) => {
    expect(parseDuration(text)).toBe(nanoseconds);
  });

  it.each(['', '30', '30x', '1.2.3s', 's', '-5s', '.5s', '1.s', '5 s', ' 5s', '1h 30m', '30S', '1d', '5sec'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('parseSize', () => {
  it.each([
    ['0', 0],
    ['512', 512],
    ['512b', 512],
    ['512B', 512],
    ['1k', 1024],
    ['1K', 1024],
    ['1kb', 1024],
    ['64Mi', 64 * mebibyte],
    ['64MiB', 64 * mebibyte],
    ['512M', 512 * mebibyte],
    ['2G', 2 * gibibyte],
    ['1.5g', 1.5 * gibibyte],
    ['1GB', gibibyte],
    ['1T', 1024 ** 4],
    ['2 G', 2 * gibibyte],
    [' 2G ', 2 * gibibyte],
  ])('reads %j as %d bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it.each(['', 'G', '2X', '-1G', '1.2.3G', '1e3', '0x10', '2GG', '2Bi', '1P', 'two gigs'])('refuses %j', (text) => {
    expect(parseSize(text)).toBeUndefined();
  });
});

describe('parseCpus', () => {
  it.each([
    [0.5, 0.5e9],
    [2, 2e9],
    [1e-9, 1],
    ['2', 2e9],
    ['0.25', 0.25e9],
    [' 1.5 ', 1.5e9],
  ])('reads %j as %d nano-CPUs', (value, nanoCpus) => {
    expect(parseCpus(value)).toBe(nanoCpus);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, '0', '-1', '', 'two', '.5', '1e3', '2 cpus'])('refuses %j', (value) => {
    expect(parseCpus(value)).toBeUndefined();
  });
});
