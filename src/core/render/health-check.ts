import type { HealthCheckSpec } from '../manifest/geoservice.generated.js';
import type { EnginePreset } from '../manifest/engine-presets.js';
import { parseDuration } from '../manifest/units.js';
import type { HealthConfig } from '../swarm/engine-api.js';

/**
 * The preset's health check with the manifest's fields over it. A manifest that names its own
 * probe (command or httpPath) replaces the preset's probe but keeps the preset's timings.
 */
export function mergeHealthCheck(preset: EnginePreset, own: HealthCheckSpec | undefined): HealthCheckSpec | undefined {
  if (own === undefined) return preset.healthCheck;
  if (preset.healthCheck === undefined || own.disable === true) return own;
  const { command: _command, httpPath: _httpPath, ...presetTimings } = preset.healthCheck;
  const ownProbe = own.command !== undefined || own.httpPath !== undefined;
  return { ...(ownProbe ? presetTimings : preset.healthCheck), ...own };
}

/**
 * Swarm's HealthConfig for a merged health check; `fallbackPort` serves an httpPath without port.
 * `probe`, the OGC check's command when the manifest has `spec.ogc`, replaces the check's own probe.
 */
export function renderHealthCheck(check: HealthCheckSpec | undefined, fallbackPort: number | undefined, probe?: string[]): HealthConfig | undefined {
  if (check?.disable === true) return { Test: ['NONE'] };
  if (check === undefined) return probe === undefined ? undefined : { Test: probe };
  const test = probe ?? probeOf(check, fallbackPort);
  const config: HealthConfig = {
    ...(test === undefined ? {} : { Test: test }),
    ...durationField('Interval', check.interval),
    ...durationField('Timeout', check.timeout),
    ...durationField('StartPeriod', check.startPeriod),
    ...(check.retries === undefined ? {} : { Retries: check.retries }),
  };
  return Object.keys(config).length === 0 ? undefined : config;
}

function probeOf(check: HealthCheckSpec, fallbackPort: number | undefined): string[] | undefined {
  if (typeof check.command === 'string') return ['CMD-SHELL', check.command];
  if (Array.isArray(check.command)) return ['CMD', ...check.command];
  if (check.httpPath === undefined) return undefined;
  const url = shellQuote(`http://127.0.0.1:${String(check.port ?? fallbackPort ?? 80)}${check.httpPath}`);
  // Images ship wget (busybox, Debian) or curl (most others); whichever exists answers.
  return ['CMD-SHELL', `wget -q -O /dev/null ${url} || curl -fsS -o /dev/null ${url} || exit 1`];
}

function durationField(field: 'Interval' | 'Timeout' | 'StartPeriod', value: string | undefined): Partial<HealthConfig> {
  const nanoseconds = value === undefined ? undefined : parseDuration(value);
  return nanoseconds === undefined ? {} : { [field]: nanoseconds };
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
