/**
 * The engine's side of the "why": what one request of each kind Kargo and the CLI send costs
 * dockerd, measured with N services in the swarm (sequential calls, dockerd CPU from /proc).
 */
import type { PrivateEngine } from '../src/sandbox/private-engine.js';
import { namesAt } from './converge.js';
import { benchServices } from './fixtures.js';
import { markdownTable } from './report.js';
import { dockerdPid, processCpuMs } from './system.js';

export interface ProbeLine {
  readonly request: string;
  readonly who: string;
  readonly wallMs: number;
  readonly engineCpuMs: number;
}

export interface ProbeResult {
  readonly services: number;
  readonly calls: number;
  readonly lines: ProbeLine[];
}

/** Probes the engine while Kargo's N services (namespace of size n) exist. */
export async function probeEngine(engine: PrivateEngine, n: number, calls = 100): Promise<ProbeResult> {
  const { namespace } = namesAt(n);
  const swarm = engine.swarm;
  const names = benchServices(n).map((service) => service.name);
  const nameAt = (i: number): string => names[(i * 7) % names.length] ?? '';
  const dockerd = dockerdPid(engine.stateDir);
  const total = (await swarm.listServices()).length;
  const lines: ProbeLine[] = [];
  const probe = async (request: string, who: string, call: (i: number) => Promise<unknown>): Promise<void> => {
    const cpu = processCpuMs(dockerd);
    const started = performance.now();
    for (let i = 0; i < calls; i++) await call(i);
    lines.push({ request, who, wallMs: (performance.now() - started) / calls, engineCpuMs: (processCpuMs(dockerd) - cpu) / calls });
  };
  await probe('`GET /services?filters={"name":["<service>"]}&status=true`', 'Kargo, each reconcile not fed by a full sync (Docker events, manifest edits)', (i) => swarm.listServices({ name: [`${namespace}_${nameAt(i)}`] }, true));
  await probe('`GET /services?filters={"label":["io.kargo.geoservice=<key>"]}&status=true`', '(the label lookup Kargo used before, for comparison)', (i) => swarm.listServices({ label: [`io.kargo.geoservice=${namespace}/${nameAt(i)}`] }, true));
  await probe('`POST /services/create`', 'both, per new service', (i) => swarm.createService({ Name: `${namespace}-probe-${String(i)}`, TaskTemplate: { ContainerSpec: { Image: 'kargo-local/http:1' } }, Mode: { Replicated: { Replicas: 0 } }, Labels: { 'com.docker.stack.namespace': `${namespace}-probe` } }));
  await probe('`GET /services/<id>` + `POST /services/<id>/update` (spec unchanged)', 'docker stack deploy, every service, every run', async (i) => {
    const service = await swarm.inspectService(`${namespace}-probe-${String(i)}`);
    await swarm.updateService(service.ID, service.Version.Index, service.Spec);
  });
  await probe('`GET /services?filters={"label":["com.docker.stack.namespace=<stack>"]}`', 'docker stack deploy, once per run', () => swarm.listServices({ label: [`com.docker.stack.namespace=${namespace}`] }));
  const probes = await swarm.listServices({ label: [`com.docker.stack.namespace=${namespace}-probe`] });
  await Promise.all(probes.map((service) => swarm.removeService(service.ID)));
  return { services: total, calls, lines };
}

/** One row per request, one column per probe (N services in the swarm): dockerd CPU (wall) per call. */
export function probeTable(results: readonly ProbeResult[]): string {
  const first = results[0];
  if (first === undefined) return '';
  return markdownTable(
    ['request', 'sent by', ...results.map((result) => `dockerd CPU (wall) per call, ${String(result.services)} services in the swarm`)],
    first.lines.map((line, index) => [
      line.request,
      line.who,
      ...results.map((result) => {
        const at = result.lines[index];
        return at === undefined ? 'n/a' : `${at.engineCpuMs.toFixed(2)} ms (${at.wallMs.toFixed(2)} ms)`;
      }),
    ]),
  );
}
