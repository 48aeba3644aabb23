/** Helpers to turn manifests into the specs integration tests create on the test swarm. */
import { inject } from 'vitest';
import { manifestValidators } from '../../src/core/manifest/manifest-validators.js';
import { parseManifests } from '../../src/core/manifest/parse-manifests.js';
import type { LoadedManifest } from '../../src/core/manifest/manifest-set.js';

const validate = manifestValidators;

/** The one valid GeoService in `yaml`; throws with the problems when there is none. */
export function manifestFromYaml(yaml: string): LoadedManifest['resource'] {
  const set = parseManifests([{ path: 'inline.yaml', text: yaml }], validate);
  const [manifest] = set.manifests;
  if (manifest === undefined || set.problems.length > 0) {
    throw new Error(`invalid test manifest: ${set.problems.map((p) => `${String(p.line)}:${String(p.column)} ${p.message}`).join('; ')}`);
  }
  return manifest.resource;
}

/**
 * The resource moved into a namespace of this test run, its networks renamed likewise, so that
 * what a test creates can never clash with anything else on the engine.
 */
export function isolate(resource: LoadedManifest['resource'], namespace: string): LoadedManifest['resource'] {
  const runId = inject('runId');
  const networks = resource.spec.networks?.map((network) =>
    typeof network === 'string' ? `${runId}-${network}` : { ...network, name: `${runId}-${network.name}` },
  );
  return {
    ...resource,
    metadata: { ...resource.metadata, namespace },
    spec: { ...resource.spec, ...(networks === undefined ? {} : { networks }) },
  };
}
