import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KargoMetrics } from '../../src/observability/metrics.js';

/*
 * The Prometheus scrape config, alert rules and Grafana dashboard in deploy/ must only use metrics
 * Kargo exports: a renamed metric or a typo in an expression would otherwise go unnoticed until an
 * alert fails to fire. promtool and Grafana are not available to the tests, so PromQL is read by
 * a small tokenizer, and the scrape config's relabelling is run by a small copy of Prometheus'.
 */

const deployDir = fileURLToPath(new URL('../../deploy', import.meta.url));
const scrapeConfigFile = join(deployDir, 'prometheus', 'prometheus.yml');
const alertRulesFile = join(deployDir, 'prometheus', 'kargo-alerts.yml');
const dashboardFile = join(deployDir, 'grafana', 'kargo-dashboard.json');

// ---- reading YAML and JSON without `any` ----

type Mapping = Record<string, unknown>;

function mapping(value: unknown, where: string): Mapping {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Mapping;
  throw new Error(`${where}: expected a mapping`);
}

function list(value: unknown, where: string): unknown[] {
  if (Array.isArray(value)) return value as unknown[];
  throw new Error(`${where}: expected a list`);
}

function text(value: unknown, where: string): string {
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw new Error(`${where}: expected a non-empty string`);
}

function optionalText(value: unknown, where: string): string | undefined {
  return value === undefined ? undefined : text(value, where);
}

// ---- PromQL: the metric names an expression reads ----

const promqlFunctions = new Set([
  'abs', 'absent', 'absent_over_time', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'avg_over_time', 'ceil', 'changes',
  'clamp', 'clamp_max', 'clamp_min', 'cos', 'cosh', 'count_over_time', 'day_of_month', 'day_of_week', 'day_of_year',
  'days_in_month', 'deg', 'delta', 'deriv', 'double_exponential_smoothing', 'exp', 'floor', 'histogram_avg', 'histogram_count',
  'histogram_fraction', 'histogram_quantile', 'histogram_stddev', 'histogram_stdvar', 'histogram_sum', 'holt_winters', 'hour',
  'idelta', 'increase', 'irate', 'label_join', 'label_replace', 'last_over_time', 'ln', 'log10', 'log2', 'mad_over_time',
  'max_over_time', 'min_over_time', 'minute', 'month', 'pi', 'predict_linear', 'present_over_time', 'quantile_over_time', 'rad',
  'rate', 'resets', 'round', 'scalar', 'sgn', 'sin', 'sinh', 'sort', 'sort_by_label', 'sort_by_label_desc', 'sort_desc', 'sqrt',
  'stddev_over_time', 'stdvar_over_time', 'sum_over_time', 'tan', 'tanh', 'time', 'timestamp', 'vector', 'year',
  'start', 'end',
]);
const aggregations = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio']);
/** Modifiers followed by a parenthesised list of label names. */
const labelLists = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const keywords = new Set([...labelLists, 'bool', 'offset', 'and', 'or', 'unless', 'atan2', 'inf', 'nan']);
/** Strings, Grafana variables, numbers and durations (5m, 1h30m), identifiers, operators, anything else. */
const tokenPattern = /\s+|#[^\n]*|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`|\$\{[^}]*\}|\$\w+|\d*\.?\d+(?:[eE][+-]?\d+)?[a-zA-Z]*|[a-zA-Z_:][a-zA-Z0-9_:]*|=~|!~|!=|==|>=|<=|[^]/g;
const identifier = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

interface PromqlNames {
  readonly metrics: string[];
  readonly functions: string[];
}

/**
 * The metric names and the functions an expression uses. Label matchers ({...}), ranges and
 * subqueries ([...]), label lists (by/without/on/ignoring/group_left/group_right (...)),
 * strings, numbers and keywords are skipped; an identifier followed by `(` is a function.
 */
function promqlNames(expr: string): PromqlNames {
  const tokens = [...expr.matchAll(tokenPattern)].map((match) => match[0]).filter((token) => !/^\s/.test(token) && !token.startsWith('#'));
  const metrics: string[] = [];
  const functions: string[] = [];
  let nesting = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    if (token === '{' || token === '[') nesting++;
    else if (token === '}' || token === ']') nesting--;
    if (nesting > 0 || !identifier.test(token)) continue;
    const lower = token.toLowerCase();
    if (labelLists.has(lower) && tokens[i + 1] === '(') {
      i = tokens.indexOf(')', i);
      if (i < 0) break;
    } else if (tokens[i + 1] === '(' && !aggregations.has(lower)) functions.push(token);
    else if (!aggregations.has(lower) && !keywords.has(lower)) metrics.push(token);
  }
  return { metrics, functions };
}

/** A Grafana Prometheus variable query: label_values([selector,] label), query_result(expr) or plain PromQL. */
function variableExpr(query: string): string {
  const labelValues = /^\s*label_values\(\s*(?:(.*),)?\s*[a-zA-Z_]\w*\s*\)\s*$/s.exec(query);
  if (labelValues) return labelValues[1] ?? '';
  const queryResult = /^\s*query_result\((.*)\)\s*$/s.exec(query);
  return queryResult?.[1] ?? query;
}

// ---- what Kargo exports ----

/**
 * Series names a scrape of Kargo yields, from the `# TYPE` lines of a real registry: a histogram
 * only as `_bucket`, `_sum` and `_count` (its bare name has no series, so a query of it would
 * return nothing), a summary also as its bare name; plus Prometheus' own `up`.
 */
async function exportedSeriesNames(): Promise<Set<string>> {
  const exposition = await new KargoMetrics('test').registry.metrics();
  const names = new Set(['up']);
  for (const match of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name = '', type = ''] = match;
    if (type === 'histogram' || type === 'summary') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    if (type !== 'histogram') names.add(name);
  }
  return names;
}

/** Every name the expressions read that Kargo does not export, and every unknown function, with where it is used. */
function unknownNames(expressions: readonly { where: string; expr: string }[], exported: ReadonlySet<string>): { metrics: string[]; functions: string[]; used: Set<string> } {
  const metrics: string[] = [];
  const functions: string[] = [];
  const used = new Set<string>();
  for (const { where, expr } of expressions) {
    const names = promqlNames(expr);
    for (const name of names.metrics) {
      used.add(name);
      if (!exported.has(name)) metrics.push(`${name} (${where})`);
    }
    for (const name of names.functions) if (!promqlFunctions.has(name)) functions.push(`${name}() (${where})`);
  }
  return { metrics, functions, used };
}

// ---- the files ----

interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string | undefined;
  readonly labels: Mapping;
  readonly annotations: Mapping;
}

function alertRules(): { group: string; rules: AlertRule[] }[] {
  const doc = mapping(parse(readFileSync(alertRulesFile, 'utf8')), alertRulesFile);
  return list(doc.groups, 'groups').map((value, g) => {
    const group = mapping(value, `groups[${g}]`);
    const rules = list(group.rules, `groups[${g}].rules`).map((ruleValue, r) => {
      const rule = mapping(ruleValue, `groups[${g}].rules[${r}]`);
      const alert = text(rule.alert, `groups[${g}].rules[${r}].alert`);
      return {
        alert,
        expr: text(rule.expr, `${alert}.expr`),
        for: optionalText(rule.for, `${alert}.for`),
        labels: mapping(rule.labels ?? {}, `${alert}.labels`),
        annotations: mapping(rule.annotations ?? {}, `${alert}.annotations`),
      };
    });
    return { group: text(group.name, `groups[${g}].name`), rules };
  });
}

const dashboard = (): Mapping => mapping(JSON.parse(readFileSync(dashboardFile, 'utf8')), dashboardFile);

/** The dashboard's panels, rows' collapsed panels included. */
function dashboardPanels(): Mapping[] {
  return list(dashboard().panels, 'panels').flatMap((value, i) => {
    const panel = mapping(value, `panels[${i}]`);
    return [panel, ...list(panel.panels ?? [], `panels[${i}].panels`).map((inner, j) => mapping(inner, `panels[${i}].panels[${j}]`))];
  });
}

function templateVariables(): Mapping[] {
  return list(mapping(dashboard().templating, 'templating').list, 'templating.list').map((value, i) => mapping(value, `templating.list[${i}]`));
}

function variableQuery(variable: Mapping): string {
  const query = variable.query;
  return typeof query === 'string' ? query : text(mapping(query, `${String(variable.name)}.query`).query, `${String(variable.name)}.query.query`);
}

function scrapeConfig(): Mapping {
  return mapping(parse(readFileSync(scrapeConfigFile, 'utf8')), scrapeConfigFile);
}

function kargoJob(): Mapping {
  const jobs = list(scrapeConfig().scrape_configs, 'scrape_configs').map((value, i) => mapping(value, `scrape_configs[${i}]`));
  const job = jobs.find((candidate) => candidate.job_name === 'kargo');
  if (job === undefined) throw new Error('no scrape config with job_name kargo');
  return job;
}

// ---- relabelling, as Prometheus does it (replace, keep, drop) ----

type Labels = Record<string, string>;

/** Go's Regexp.Expand: $1, ${1}, $name, ${name}; $$ is a dollar; $1x names the group "1x". */
function expand(template: string, match: RegExpExecArray): string {
  return template.replace(/\$(?:(\$)|\{(\w+)\}|(\w+))/g, (_whole, dollar: string | undefined, braced: string | undefined, bare: string | undefined) => {
    if (dollar !== undefined) return '$';
    const name = braced ?? bare ?? '';
    return /^\d+$/.test(name) ? match[Number(name)] ?? '' : match.groups?.[name] ?? '';
  });
}

function relabel(input: Labels, configs: readonly Mapping[]): Labels | undefined {
  const labels: Labels = { ...input };
  for (const [i, config] of configs.entries()) {
    const sources = list(config.source_labels ?? [], `relabel_configs[${i}].source_labels`).map((name, j) => text(name, `relabel_configs[${i}].source_labels[${j}]`));
    const value = sources.map((name) => labels[name] ?? '').join(optionalText(config.separator, 'separator') ?? ';');
    const regex = new RegExp(`^(?:${optionalText(config.regex, 'regex') ?? '(.*)'})$`);
    const match = regex.exec(value);
    const action = optionalText(config.action, 'action') ?? 'replace';
    if (action === 'keep' && match === null) return undefined;
    if (action === 'drop' && match !== null) return undefined;
    if (action === 'replace' && match !== null) {
      const target = expand(text(config.target_label, `relabel_configs[${i}].target_label`), match);
      const replaced = expand(optionalText(config.replacement, 'replacement') ?? '$1', match);
      if (replaced === '') Reflect.deleteProperty(labels, target);
      else labels[target] = replaced;
    } else if (!['keep', 'drop', 'replace'].includes(action)) throw new Error(`relabel action ${action} is not simulated here`);
  }
  return labels;
}

/** What Prometheus scrapes and stores for a discovered target: its address, path and public labels, or undefined when dropped. */
function scrapeTarget(discovered: Labels): { address: string; path: string; labels: Labels } | undefined {
  const job = kargoJob();
  const configs = list(job.relabel_configs, 'relabel_configs').map((value, i) => mapping(value, `relabel_configs[${i}]`));
  const result = relabel({ job: text(job.job_name, 'job_name'), __metrics_path__: '/metrics', __scheme__: 'http', ...discovered }, configs);
  if (result === undefined) return undefined;
  const address = result.__address__ ?? '';
  const labels = Object.fromEntries(Object.entries({ instance: address, ...result }).filter(([name]) => !name.startsWith('__')));
  return { address, path: result.__metrics_path__ ?? '', labels };
}

/** The meta labels dockerswarm_sd_configs (role tasks) gives one network attachment of Kargo's task. */
function kargoTask(overrides: Labels = {}, serviceLabels: Labels = {}): Labels {
  const labels: Labels = {
    __address__: '10.0.1.7:9469',
    __meta_dockerswarm_task_id: 'x8ds0p3o2fm8mt9ad3dfr9oj0',
    __meta_dockerswarm_task_desired_state: 'running',
    __meta_dockerswarm_task_state: 'running',
    __meta_dockerswarm_task_slot: '1',
    __meta_dockerswarm_service_id: 'n4b2m9ptb3oh1s3t1c6f0n4a7',
    __meta_dockerswarm_service_name: 'kargo_kargo',
    __meta_dockerswarm_service_mode: 'replicated',
    __meta_dockerswarm_node_id: 'v6cw2bdpfa2zkyt8hhmvyaw2s',
    __meta_dockerswarm_node_hostname: 'manager-1',
    __meta_dockerswarm_node_role: 'manager',
    __meta_dockerswarm_node_address: '192.168.10.11',
    __meta_dockerswarm_network_id: 'kq3uylv0g4i8hz1wkmnwq8c6c',
    __meta_dockerswarm_network_name: 'kargo_default',
    __meta_dockerswarm_network_scope: 'swarm',
    __meta_dockerswarm_network_internal: 'false',
    __meta_dockerswarm_network_ingress: 'false',
  };
  const service: Labels = { 'com.docker.stack.namespace': 'kargo', 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9469', 'prometheus.io/path': '/metrics', ...serviceLabels };
  // Prometheus' strutil.SanitizeLabelName: every character outside [a-zA-Z0-9_] becomes '_'.
  for (const [name, value] of Object.entries(service)) labels[`__meta_dockerswarm_service_label_${name.replace(/[^a-zA-Z0-9_]/g, '_')}`] = value;
  return { ...labels, ...overrides };
}

// ---- the tests ----

describe('the PromQL metric extractor', () => {
  it('finds metric names, not functions, label names, durations or variables', () => {
    expect(promqlNames('histogram_quantile(0.99, sum by (le) (rate(a_seconds_bucket{job=~"$job", le!="+Inf"}[$__rate_interval])))')).toEqual({ metrics: ['a_seconds_bucket'], functions: ['histogram_quantile', 'rate'] });
    expect(promqlNames('time() - max by (job) (b > 0 or on (job, instance) c{job="k"}) > 900').metrics).toEqual(['b', 'c']);
    expect(promqlNames('sum(increase(d_total[1h:5m] offset 1d)) without (instance) > bool 1e3 unless e == Inf').metrics).toEqual(['d_total', 'e']);
    expect(promqlNames('count(f == 0) or vector(0)').metrics).toEqual(['f']);
  });

  it('reads the selector of a Grafana label_values query', () => {
    expect(variableExpr('label_values(kargo_geoservice_condition, namespace)')).toBe('kargo_geoservice_condition');
    expect(variableExpr('label_values(namespace)')).toBe('');
  });

  it('flags misspelt names and functions', async () => {
    const { metrics, functions } = unknownNames([{ where: 'example', expr: 'rat(kargo_rollout_total[5m]) + histogram_quantile(0.5, controller_runtime_reconcile_time_seconds)' }], await exportedSeriesNames());
    expect(metrics).toEqual(['kargo_rollout_total (example)', 'controller_runtime_reconcile_time_seconds (example)']);
    expect(functions).toEqual(['rat() (example)']);
  });
});

describe('deploy/prometheus and deploy/grafana use only metrics Kargo exports', () => {
  let exported = new Set<string>();
  beforeAll(async () => {
    exported = await exportedSeriesNames();
  });

  function expectKnown(file: string, expressions: { where: string; expr: string }[]): void {
    const { metrics, functions, used } = unknownNames(expressions, exported);
    expect(expressions.length, `${file}: no PromQL expression found`).toBeGreaterThan(0);
    expect(used.size, `${file}: no metric name found in its expressions`).toBeGreaterThan(0);
    expect(metrics, `${file} reads metrics that Kargo does not export`).toEqual([]);
    expect(functions, `${file} calls functions PromQL does not have`).toEqual([]);
  }

  it('kargo-alerts.yml', () => {
    expectKnown('kargo-alerts.yml', alertRules().flatMap(({ rules }) => rules.map(({ alert, expr }) => ({ where: `alert ${alert}`, expr }))));
  });

  it('kargo-dashboard.json', () => {
    const targets = dashboardPanels().flatMap((panel) =>
      list(panel.targets ?? [], 'targets').map((target) => ({ where: `panel "${String(panel.title)}"`, expr: text(mapping(target, 'target').expr, `panel "${String(panel.title)}" expr`) })),
    );
    const variables = templateVariables()
      .filter((variable) => variable.type === 'query')
      .map((variable) => ({ where: `variable ${String(variable.name)}`, expr: variableExpr(variableQuery(variable)) }));
    expectKnown('kargo-dashboard.json', [...targets, ...variables]);
  });

  it('prometheus.yml', () => {
    // It holds no PromQL; metric_relabel_configs would rename or drop metrics, and need checking here.
    const job = kargoJob();
    expect(list(job.metric_relabel_configs ?? [], 'metric_relabel_configs'), 'metric_relabel_configs').toEqual([]);
    // The alerts' job="..." selectors (up{job="kargo"}, ...) name the job this file scrapes Kargo in.
    const selected = new Set(alertRules().flatMap(({ rules }) => rules.flatMap(({ expr }) => [...expr.matchAll(/\bjob\s*=\s*"([^"]*)"/g)].map((match) => match[1] ?? ''))));
    expect(selected.size, 'no alert selects a job').toBeGreaterThan(0);
    expect([...selected], 'jobs the alerts select but prometheus.yml does not scrape').toEqual([job.job_name]);
    expect(exported.has('up')).toBe(true);
  });
});

describe('kargo-alerts.yml', () => {
  const groups = alertRules();
  const rules = groups.flatMap((group) => group.rules);

  it('is the group kargo with the expected alerts', () => {
    expect(groups.map((group) => group.group)).toEqual(['kargo']);
    expect(rules.map((rule) => rule.alert)).toEqual([
      'KargoDown', 'GeoServiceNotReady', 'GeoServiceRolloutStalled', 'KargoManifestErrors',
      'KargoReconcileErrors', 'KargoNoRecentSync', 'KargoDriftCorrections', 'KargoDockerApiErrors',
      'GeoJobStale', 'GeoJobFailing', 'GeoServiceNotAvailable',
    ]);
  });

  it.each(rules.map((rule) => [rule.alert, rule] as const))('%s has a severity, a summary, a description and a valid for', (_name, rule) => {
    expect(['critical', 'warning', 'info']).toContain(rule.labels.severity);
    expect(text(rule.annotations.summary, 'summary').length).toBeGreaterThan(10);
    expect(text(rule.annotations.description, 'description').length).toBeGreaterThan(40);
    if (rule.for !== undefined) expect(rule.for).toMatch(/^(\d+(ms|s|m|h|d|w|y))+$/);
    // Go templates: every {{ opens and closes.
    for (const annotation of [rule.annotations.summary, rule.annotations.description]) {
      expect(String(annotation).split('{{').length).toBe(String(annotation).split('}}').length);
    }
  });
});

describe('kargo-dashboard.json', () => {
  const board = dashboard();
  const panels = dashboardPanels();
  const variables = templateVariables();
  const variableNames = new Set(variables.map((variable) => String(variable.name)));
  const grafanaBuiltins = new Set(['__interval', '__interval_ms', '__rate_interval', '__range', '__range_s', '__range_ms', '__dashboard']);

  it('is a Grafana dashboard with a data source variable and a namespace variable', () => {
    expect(board.schemaVersion).toBe(39);
    expect(typeof board.uid).toBe('string');
    expect(variables.find((variable) => variable.name === 'DS_PROMETHEUS')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const namespace = variables.find((variable) => variable.name === 'namespace');
    expect(namespace).toMatchObject({ type: 'query', datasource: { type: 'prometheus', uid: '${DS_PROMETHEUS}' } });
    expect(variableQuery(namespace ?? {})).toBe('label_values(kargo_geoservice_condition, namespace)');
  });

  it('has panels with a title and at least one target with an expr, on ${DS_PROMETHEUS}', () => {
    const problems: string[] = [];
    for (const panel of panels) {
      const title = typeof panel.title === 'string' && panel.title.trim() !== '' ? panel.title : `panel ${String(panel.id)} (no title)`;
      if (title !== panel.title) problems.push(title);
      if (panel.type === 'row') continue;
      const targets = list(panel.targets ?? [], 'targets').map((target) => mapping(target, 'target'));
      if (targets.length === 0) problems.push(`${title}: no target`);
      for (const target of targets) {
        if (typeof target.expr !== 'string' || target.expr.trim() === '') problems.push(`${title}: target ${String(target.refId)} has no expr`);
        const expr = String(target.expr);
        for (const [, name = ''] of expr.matchAll(/\$\{?(\w+)/g)) if (!variableNames.has(name) && !grafanaBuiltins.has(name)) problems.push(`${title}: unknown variable $${name}`);
      }
      for (const source of [panel.datasource, ...targets.map((target) => target.datasource)]) {
        if (mapping(source, `${title}: datasource`).uid !== '${DS_PROMETHEUS}') problems.push(`${title}: datasource is not \${DS_PROMETHEUS}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('has unique panel ids and panels inside the 24-column grid', () => {
    const ids = panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panels) {
      const grid = mapping(panel.gridPos, `${String(panel.title)}: gridPos`);
      expect(Number(grid.x) + Number(grid.w), String(panel.title)).toBeLessThanOrEqual(24);
    }
  });
});

describe('prometheus.yml', () => {
  it('discovers Swarm tasks through the Docker socket and loads the alert rules next to it', () => {
    const job = kargoJob();
    const sd = list(job.dockerswarm_sd_configs, 'dockerswarm_sd_configs').map((value) => mapping(value, 'dockerswarm_sd_configs[]'));
    expect(sd).toEqual([expect.objectContaining({ role: 'tasks', host: 'unix:///var/run/docker.sock' })]);
    const ruleFiles = list(scrapeConfig().rule_files, 'rule_files').map((file) => text(file, 'rule_files[]'));
    expect(ruleFiles.map((file) => join(dirname(scrapeConfigFile), file))).toContain(alertRulesFile);
    for (const file of ruleFiles) expect(existsSync(join(dirname(scrapeConfigFile), file)), file).toBe(true);
  });

  it('scrapes Kargo at its task IP, on the port and path its service labels name, with service, node and stack labels', () => {
    expect(scrapeTarget(kargoTask())).toEqual({
      address: '10.0.1.7:9469',
      path: '/metrics',
      labels: { job: 'kargo', instance: '10.0.1.7:9469', service: 'kargo_kargo', node: 'manager-1', stack: 'kargo' },
    });
    // No published port: the address carries the SD config's default port.
    expect(scrapeTarget(kargoTask({ __address__: '10.0.1.7:80' }, { 'prometheus.io/port': '9470', 'prometheus.io/path': '/custom' }))).toMatchObject({ address: '10.0.1.7:9470', path: '/custom' });
  });

  it.each([
    ['a task that is not meant to run', kargoTask({ __meta_dockerswarm_task_desired_state: 'shutdown', __meta_dockerswarm_task_state: 'failed' })],
    ['a service without prometheus.io/scrape', kargoTask({ __meta_dockerswarm_service_label_prometheus_io_scrape: '' })],
    ['a service with prometheus.io/scrape "false"', kargoTask({}, { 'prometheus.io/scrape': 'false' })],
    ['a service of another stack', kargoTask({ __meta_dockerswarm_service_name: 'geo_geoserver' }, { 'com.docker.stack.namespace': 'geo' })],
    ['the ingress network attachment', kargoTask({ __address__: '10.0.0.12:9469', __meta_dockerswarm_network_name: 'ingress', __meta_dockerswarm_network_ingress: 'true' })],
    [
      'a host-mode published port (at the node address)',
      kargoTask({ __address__: '192.168.10.11:9469', __meta_dockerswarm_task_port_publish_mode: 'host', __meta_dockerswarm_network_id: '', __meta_dockerswarm_network_name: '', __meta_dockerswarm_network_ingress: '' }),
    ],
  ])('drops %s', (_case, labels) => {
    expect(scrapeTarget(labels)).toBeUndefined();
  });
});
