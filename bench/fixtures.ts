/**
 * The benchmark's services, generated once from plain data and written twice: as GeoService
 * manifests (one file each) for Kargo and as one compose file for `docker stack deploy`, so both
 * tools are asked for the same thing (same image, env, labels, replicas 0: no containers).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** The image every benchmark service runs (built locally, never pulled). */
export const benchImage = 'kargo-local/http:1';

/**
 * The overlay network every benchmark service is attached to, created before the runs. A stack
 * service always joins some network (its stack's `default` one unless told otherwise), so both
 * tools attach to this same external one, with the service's name as alias, as the CLI does.
 */
export const benchNetwork = 'kargo-bench';

/** One service, independent of the tool that deploys it. */
export interface BenchService {
  readonly name: string;
  readonly env: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
}

/** `count` services named svc-0000…, each with a little env and a couple of labels. */
export function benchServices(count: number): BenchService[] {
  return Array.from({ length: count }, (_, i) => {
    const id = String(i).padStart(4, '0');
    return {
      name: `svc-${id}`,
      env: { RESPONSE: `hello from ${id}`, PORT: '8080', LAYER: `layer-${String(i % 17)}` },
      labels: { 'org.example.team': `team-${String(i % 5)}`, 'org.example.index': id },
    };
  });
}

/** The same service with one env value changed: the "one change among N" edit. */
export function withEnv(service: BenchService, name: string, value: string): BenchService {
  return { ...service, env: { ...service.env, [name]: value } };
}

/** The GeoService manifest of a benchmark service. */
export function manifestYaml(service: BenchService, namespace: string): string {
  const resource = {
    apiVersion: 'kargo.io/v1alpha1',
    kind: 'GeoService',
    metadata: { name: service.name, namespace },
    spec: {
      image: benchImage,
      replicas: 0,
      env: { ...service.env },
      labels: { ...service.labels },
      // Kargo gives the service its name as an alias on the network, as docker stack deploy does.
      networks: [{ name: benchNetwork, external: true }],
    },
  };
  return stringify(resource);
}

/** The file a service's manifest lives in, below the manifests directory. */
export function manifestPath(dir: string, service: BenchService): string {
  return join(dir, `${service.name}.yaml`);
}

/** Writes one manifest file per service into `dir` (created if missing). */
export function writeManifests(dir: string, services: readonly BenchService[], namespace: string): void {
  mkdirSync(dir, { recursive: true });
  for (const service of services) writeFileSync(manifestPath(dir, service), manifestYaml(service, namespace));
}

/** The compose file `docker stack deploy` gets for the same services. */
export function composeYaml(services: readonly BenchService[]): string {
  const entries = services.map((service): [string, object] => [
    service.name,
    {
      image: benchImage,
      environment: { ...service.env },
      deploy: { replicas: 0, labels: { ...service.labels } },
    },
  ]);
  const networks = { default: { external: true, name: benchNetwork } };
  return stringify({ version: '3.8', services: Object.fromEntries(entries), networks });
}
