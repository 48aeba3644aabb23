/** README sections derived from the code, so that the reference can never drift from it. */
import { runFlags } from '../src/cli/run-config.js';
import { enginePresets } from '../src/core/manifest/engine-presets.js';
import { KargoMetrics } from '../src/observability/metrics.js';

const cell = (text: string): string => text.replaceAll('|', '\\|');

/** The engine presets: port, data path, health check and stop signal of each. */
export function renderPresets(): string {
  const rows = Object.entries(enginePresets).map(([engine, preset]) => {
    const check = preset.healthCheck;
    const probe = check === undefined ? '—' : check.httpPath !== undefined ? `HTTP \`${check.httpPath}\`` : `\`${String(check.command)}\``;
    const timings = check === undefined ? '' : ` every ${check.interval ?? '30s'}, start period ${check.startPeriod ?? '0s'}`;
    const code = (text: string | undefined): string => (text === undefined ? '—' : `\`${text}\``);
    return `| \`${engine}\` | ${preset.port === undefined ? '—' : String(preset.port)} | ${code(preset.dataPath)} | ${cell(probe + timings)} | ${code(preset.stopSignal)} |`;
  });
  return `| engine | container port | data path | health check | stop signal |\n|---|---|---|---|---|\n${rows.join('\n')}\n`;
}

/** Every flag of `kargo run` with its environment variable and default. */
export function renderRunFlags(): string {
  const rows = Object.entries(runFlags).map(([name, flag]) => {
    const fallback = 'default' in flag && flag.default !== '' ? `\`${flag.default}\`` : '';
    return `| \`--${name}\` | \`${flag.env}\` | ${fallback} | ${cell(flag.help)} |`;
  });
  return `| flag | environment | default | meaning |\n|---|---|---|---|\n${rows.join('\n')}\n`;
}

/** Kargo's own and controller-runtime's metrics (the default process metrics are left out). */
export function renderMetrics(): string {
  const metrics = new KargoMetrics('reference').registry.getMetricsAsArray() as unknown as { name: string; help: string; type: string; labelNames?: string[] }[];
  const rows = metrics
    .filter((metric) => /^(kargo_|controller_runtime_|workqueue_)/.test(metric.name))
    .map((metric) => `| \`${metric.name}\` | ${metric.type} | ${(metric.labelNames ?? []).map((label) => `\`${label}\``).join(', ')} | ${cell(metric.help)} |`);
  return `| metric | type | labels | meaning |\n|---|---|---|---|\n${rows.join('\n')}\n`;
}
