/** Running a GeoJob now through the API and `kargo job run`, and what status, metrics and the status API say of its runs. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { SwarmClient } from '../../src/adapters/docker/swarm-client.js';
import { createLogger } from '../../src/observability/logger.js';
import { startRuntime, type KargoRuntime } from '../../src/runtime/kargo-runtime.js';
import type { ObjectStatusList } from '../../src/adapters/http/status-server.js';
import { ErrorCode } from '../../src/errors.js';
import { runKargo } from '../support/cli.js';
import { uniqueName, waitFor } from '../support/swarm.js';

const dockerHost = inject('dockerHost');
const swarm = SwarmClient.connect(dockerHost);
const namespace = uniqueName('ns');
const dir = mkdtempSync(join(tmpdir(), 'kargo-geojob-api-'));
const secret = 'job-run-s3cret';
let runtime: KargoRuntime | undefined;

afterAll(async () => {
  await runtime?.stop();
  const services = await swarm.listServices({ label: [`com.docker.stack.namespace=${namespace}`] });
  await Promise.all(services.map((service) => swarm.removeService(service.ID)));
  rmSync(dir, { recursive: true, force: true });
});

describe('kargo job run', () => {
  it('runs a GeoJob now behind the bearer token, and shows the run in status, the API and metrics', async () => {
    // A schedule whose next slot is months away: any run is the one asked for.
    writeFileSync(join(dir, 'job.yaml'), `apiVersion: kargo.io/v1alpha1
kind: GeoJob
metadata: { name: feed, namespace: ${namespace} }
spec:
  image: kargo-local/job:1
  command: [sh, -c, "echo feeding"]
  schedule: "0 0 1 1 *"
`);
    const tokenFile = join(dir, '..', `${namespace}-token`);
    writeFileSync(tokenFile, `${secret}\n`);
    runtime = await startRuntime({
      swarm,
      logger: createLogger('silent'),
      version: 'test',
      listen: '127.0.0.1:0',
      webhookSecret: secret,
      settings: { manifests: dir, workers: 4, backoffBaseMs: 200, backoffCapMs: 2000, prune: true, allowEmpty: false, namespaces: new Set([namespace]), retryFailures: true, debounceMs: 50, resyncMs: 0, watch: true },
    });
    await runtime.started;
    const server = `http://127.0.0.1:${String(runtime.port ?? 0)}`;
    const post = (path: string, token?: string): Promise<Response> => fetch(new URL(path, server), { method: 'POST', ...(token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }) });

    expect((await post(`/api/v1/geojobs/${namespace}/feed/run`)).status).toBe(401);
    expect((await post(`/api/v1/geojobs/${namespace}/feed/run`, 'wrong')).status).toBe(401);
    const unknown = await post(`/api/v1/geojobs/${namespace}/nothing/run`, secret);
    expect([unknown.status, ((await unknown.json()) as { code: string }).code]).toEqual([404, ErrorCode.JobNotFound]);

    const cli = await runKargo(['job', 'run', `${namespace}/feed`, '--server', server, '--token-file', tokenFile]);
    expect([cli.code, cli.stderr]).toEqual([0, '']);
    const status = await waitFor('the run asked for', async () => {
      const list = (await (await fetch(new URL('/api/v1/geojobs', server))).json()) as ObjectStatusList;
      return list.items.find((item) => item.job?.lastSuccessful !== undefined);
    }, { timeoutMs: 60_000 });
    expect(status.key).toBe(`GeoJob/${namespace}/feed`);
    expect(status.job?.lastSuccessful?.slot).toMatch(/^manual-/);
    expect(status.job?.nextScheduleTime).toMatch(/-01-01T00:00:00.000Z$/);

    const metrics = await (await fetch(new URL('/metrics', server))).text();
    const labels = `namespace="${namespace}",name="feed"`;
    expect(metrics).toContain(`kargo_job_runs_total{${labels},result="succeeded"} 1`);
    expect(metrics).toContain(`kargo_job_runs_total{${labels},result="failed"} 0`);
    expect(metrics).toMatch(new RegExp(`kargo_job_last_success_timestamp_seconds\\{${labels}\\} \\d+`));
    expect(metrics).toMatch(new RegExp(`kargo_job_next_schedule_timestamp_seconds\\{${labels}\\} \\d+`));
    // No slot of this schedule has come yet: no last schedule time.
    expect(metrics).not.toContain(`kargo_job_last_schedule_timestamp_seconds{${labels}}`);
    expect(metrics).toContain(`kargo_job_run_duration_seconds_count{${labels},result="succeeded"} 1`);

    const table = await runKargo(['status', '--server', server]);
    expect(table.stdout).toMatch(new RegExp(`GeoJob\\s+${namespace}\\s+feed\\s+True`));
    expect(table.stdout).toMatch(new RegExp(`${namespace}/feed\\s+-\\s+\\d+s ago`));
  });
});
