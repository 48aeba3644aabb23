/** Parses Prometheus exposition text with a third-party parser, so a malformed output fails the test. */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

export interface Sample {
  readonly labels: Record<string, string>;
  readonly value: string;
}

export interface MetricFamily {
  readonly name: string;
  readonly type: string;
  readonly metrics: readonly Sample[];
}

export function parseMetrics(text: string): Map<string, MetricFamily> {
  const families = parsePrometheusTextFormat(text) as MetricFamily[];
  return new Map(families.map((family) => [family.name, family]));
}

/** The value of the sample of `name` whose labels include `labels`, as a number; undefined when absent. */
export function sampleValue(families: Map<string, MetricFamily>, name: string, labels: Record<string, string> = {}): number | undefined {
  const sample = families.get(name)?.metrics.find((metric) =>
    Object.entries(labels).every(([label, value]) => (metric.labels as Record<string, string> | undefined)?.[label] === value),
  );
  return sample === undefined ? undefined : Number(sample.value);
}
