/**
 * Parsing of the human units manifests use. Swarm wants integers: nanoseconds for durations,
 * bytes for sizes, nano-CPUs for CPU amounts.
 */

const nanosecondsPer: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

const durationPart = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;

/** Nanoseconds in a Go-style duration (`500ms`, `30s`, `2m`, `1h30m`), or undefined when it does not parse. */
export function parseDuration(text: string): number | undefined {
  if (text === '') return undefined;
  let total = 0;
  durationPart.lastIndex = 0;
  while (durationPart.lastIndex < text.length) {
    const match = durationPart.exec(text);
    const [, amount, unit] = match ?? [];
    if (amount === undefined || unit === undefined) return undefined;
    total += Number(amount) * (nanosecondsPer[unit] ?? Number.NaN);
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

const bytesPer: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/**
 * Bytes in a size such as `512M`, `2G`, `1.5g`, `64Mi` or `1GB`. Units are binary, as in Docker
 * (`M` = MiB); a bare number is bytes. Undefined when it does not parse.
 */
export function parseSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(?:([kmgt])(?:ib?|b)?|(b))?$/i.exec(text.trim());
  if (match === null) return undefined;
  const unit = (match[2] ?? match[3] ?? '').toLowerCase();
  const bytes = Number(match[1]) * (bytesPer[unit] ?? Number.NaN);
  return Number.isFinite(bytes) ? Math.round(bytes) : undefined;
}

/** Nano-CPUs in a CPU amount (`0.5`, `"2"`), or undefined when it is not a positive number. */
export function parseCpus(value: number | string): number | undefined {
  const cpus = typeof value === 'number' ? value : /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : Number.NaN;
  return Number.isFinite(cpus) && cpus > 0 ? Math.round(cpus * 1e9) : undefined;
}

/** The custom formats of the schema (`x-kargo-format`), each with its parser and what to tell the user. */
export const kargoFormats = {
  duration: { parse: parseDuration, expected: 'a duration such as 500ms, 30s, 2m or 1h30m' },
  size: { parse: parseSize, expected: 'a size such as 512M, 2G or 64Mi (binary units; a quoted number is bytes)' },
  cpus: { parse: parseCpus, expected: 'a positive number of CPUs such as 0.5 or 2' },
} as const;

export type KargoFormat = keyof typeof kargoFormats;
