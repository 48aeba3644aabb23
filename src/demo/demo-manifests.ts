import { posix } from 'node:path';
import { isMap, isScalar, isSeq, parseAllDocuments, type Document } from 'yaml';
import { enginePresets, type EngineName } from '../core/manifest/engine-presets.js';
import { parseDuration } from '../core/manifest/units.js';
import { geoImageNames } from '../sandbox/geo-image-recipes.js';

/**
 * The demo's manifests: the examples as they are, changed only where the demo's swarm needs it.
 * That swarm is one node in a private engine with no registry and no IPVS, so:
 * - an object whose image the sandbox does not build (`kargo-geo/<mapserver|postgis|mapcache|krawler>:…`)
 *   is left out, with a reason: nothing else can be pulled there. This is how the demo knows what
 *   to skip: an example names a sandbox image exactly when it runs there. An object that depends
 *   on one left out is left out too;
 * - published ports are published in host mode (the routing mesh needs IPVS), and a rollout that
 *   starts the new task first while such a port is held stops the old one first instead;
 * - replicas become 1 (one node);
 * - placement constraints, resource reservations and bind mounts are dropped (no node labels,
 *   a small machine, host paths that are not there).
 * Configs, secrets, networks, `ogc`, `dependsOn` and GeoJobs are kept: the files they name are
 * copied alongside (see demo-directory.ts). Pure: text in, text out.
 */

/** An example file: its path relative to the examples directory (with `/`), and its text. */
export interface ExampleFile {
  readonly file: string;
  readonly text: string;
}

export interface DemoOptions {
  /** Moves every object into this namespace (a test runs the examples beside other tests' objects). */
  readonly namespace?: string;
  /** Publishes an example's port on another one, example's → demo's (a test keeps to ports of its own). */
  readonly publishedPorts?: ReadonlyMap<number, number>;
  /**
   * Health checks at most this far apart (the demo: 2s). A task's first check comes one interval
   * after it starts (the sandbox's Docker 20.10 has no start interval), and the stack starts in
   * three steps (PostGIS, MapServer, MapCache): at 10 s each, a run waits half a minute for nothing.
   */
  readonly healthCheckInterval?: string;
  /**
   * Update delays at most this long (the demo: 0s). Swarm waits the delay after every batch, the
   * last one too: with one task, an edit's rollout waited the examples' 10 s for no second batch.
   */
  readonly updateDelay?: string;
}

/** An object of an example that the demo does not run, and why. */
export interface LeftOut {
  readonly file: string;
  /** `GeoService geo/geoserver`. */
  readonly object: string;
  readonly reason: string;
}

/** One example file made into a demo manifest file of the same relative path. */
export interface DemoFile {
  readonly file: string;
  /** The demo manifest, with a header that says what changed and why; undefined when every object is left out. */
  readonly text: string | undefined;
  /** What was changed, one line each (`GeoService geo/mapserver: replicas 2 → 1 (…)`). */
  readonly changes: readonly string[];
  readonly leftOut: readonly LeftOut[];
  /** The files its kept configs and secrets name, relative to the examples directory: copy them alongside. */
  readonly references: readonly string[];
}

const sandboxImage = new RegExp(`^kargo-geo/(${geoImageNames.join('|')}):`);
const workloadKinds = new Set(['GeoService', 'GeoJob']);

interface Parsed {
  readonly file: string;
  readonly doc: Document;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly label: string;
}

/** The demo manifests of every example file (all at once: a dependency may sit in another file). */
export function demoManifests(examples: readonly ExampleFile[], options: DemoOptions = {}): DemoFile[] {
  const parsed = examples.map((example) => ({ example, docs: parseAllDocuments(example.text).map((doc) => describe(example.file, doc)) }));
  const leftOut = leftOutObjects(parsed.flatMap((file) => file.docs));
  return parsed.map(({ example, docs }) => {
    const kept = docs.filter((doc) => !leftOut.has(doc.label));
    const changes: string[] = [];
    for (const doc of kept) adapt(doc, options, (change) => changes.push(`${doc.label}: ${change}`));
    const skipped = docs.flatMap((doc) => {
      const reason = leftOut.get(doc.label);
      return reason === undefined ? [] : [{ file: example.file, object: doc.label, reason }];
    });
    return {
      file: example.file,
      text: kept.length === 0 ? undefined : header(example.file, changes, skipped) + kept.map((doc) => documentText(doc.doc)).join('---\n'),
      changes,
      leftOut: skipped,
      references: kept.flatMap((doc) => referencedFiles(example.file, doc.doc)),
    };
  });
}

function describe(file: string, doc: Document): Parsed {
  const kind = text(doc.getIn(['kind'])) ?? '';
  const namespace = text(doc.getIn(['metadata', 'namespace'])) ?? 'default';
  const name = text(doc.getIn(['metadata', 'name'])) ?? '';
  return { file, doc, kind, namespace, name, label: `${kind} ${namespace}/${name}` };
}

/** Objects left out, by label, with the reason: images the sandbox does not build, then what depends on them. */
function leftOutObjects(docs: readonly Parsed[]): Map<string, string> {
  const leftOut = new Map<string, string>();
  for (const doc of docs) {
    const image = text(doc.doc.getIn(['spec', 'image']));
    if (!workloadKinds.has(doc.kind) || image === undefined || sandboxImage.test(image)) continue;
    leftOut.set(doc.label, `its image ${image} is not one the sandbox builds (kargo-geo/${geoImageNames.join(', ')}), and no registry is reachable there`);
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const doc of docs) {
      if (leftOut.has(doc.label)) continue;
      const missing = strings(doc.doc.getIn(['spec', 'dependsOn'])).find((dependency) => leftOut.has(`GeoService ${doc.namespace}/${dependency}`));
      if (missing === undefined) continue;
      leftOut.set(doc.label, `it depends on GeoService ${doc.namespace}/${missing}, which is left out`);
      changed = true;
    }
  }
  return leftOut;
}

/** Changes one kept object where the one-node sandbox needs it; `note` says what and why. */
function adapt(parsed: Parsed, options: DemoOptions, note: (change: string) => void): void {
  const { doc, kind } = parsed;
  if (options.namespace !== undefined && options.namespace !== parsed.namespace) {
    doc.setIn(['metadata', 'namespace'], options.namespace);
    note(`namespace ${parsed.namespace} → ${options.namespace}`);
  }
  if (!workloadKinds.has(kind)) return;
  const replicas = doc.getIn(['spec', 'replicas']);
  if (kind === 'GeoService' && typeof replicas === 'number' && replicas > 1) {
    doc.setIn(['spec', 'replicas'], 1);
    note(`replicas ${String(replicas)} → 1: one node, and two tasks cannot publish one port in host mode on it`);
  }
  if (hostModePorts(doc, options, note) > 0) {
    for (const policy of ['update', 'rollback']) {
      if (doc.getIn(['spec', policy, 'order']) !== 'start-first') continue;
      doc.setIn(['spec', policy, 'order'], 'stop-first');
      note(`${policy}.order start-first → stop-first: on one node a new task cannot publish the port the old one holds`);
    }
  }
  const constraints = strings(doc.getIn(['spec', 'placement', 'constraints']));
  if (constraints.length > 0) {
    doc.deleteIn(['spec', 'placement', 'constraints']);
    if (isEmptyMap(doc.getIn(['spec', 'placement']))) doc.deleteIn(['spec', 'placement']);
    note(`placement constraints dropped (${constraints.join(', ')}): the demo's node has no such labels`);
  }
  if (doc.hasIn(['spec', 'resources', 'reservations'])) {
    doc.deleteIn(['spec', 'resources', 'reservations']);
    if (isEmptyMap(doc.getIn(['spec', 'resources']))) doc.deleteIn(['spec', 'resources']);
    note('resources.reservations dropped: the demo machine may not have them to reserve');
  }
  dropBindMounts(doc, note);
  if (kind === 'GeoService' && options.healthCheckInterval !== undefined) shortenHealthChecks(doc, options.healthCheckInterval, note);
  const delay = text(doc.getIn(['spec', 'update', 'delay']));
  if (kind === 'GeoService' && options.updateDelay !== undefined && delay !== undefined && (parseDuration(delay) ?? 0) > (parseDuration(options.updateDelay) ?? 0)) {
    doc.setIn(['spec', 'update', 'delay'], options.updateDelay);
    note(`update.delay ${delay} → ${options.updateDelay}: Swarm waits it after the last batch too, and one task is one batch`);
  }
}

/** Sets the health check's interval (the manifest's, else its preset's) to `wanted` when longer. */
function shortenHealthChecks(doc: Document, wanted: string, note: (change: string) => void): void {
  if (doc.getIn(['spec', 'healthCheck', 'disable']) === true) return;
  const engine = text(doc.getIn(['spec', 'engine']));
  const preset = engine !== undefined && engine in enginePresets ? enginePresets[engine as EngineName] : undefined;
  // Without an interval of its own or its preset's, a check (its own, or spec.ogc's) runs at Docker's default, 30s.
  const checked = doc.hasIn(['spec', 'healthCheck']) || doc.hasIn(['spec', 'ogc']);
  const current = text(doc.getIn(['spec', 'healthCheck', 'interval'])) ?? preset?.healthCheck?.interval ?? (checked ? '30s' : undefined);
  if (current === undefined || (parseDuration(current) ?? 0) <= (parseDuration(wanted) ?? 0)) return;
  doc.setIn(['spec', 'healthCheck', 'interval'], wanted);
  note(`healthCheck.interval ${current} → ${wanted}: a task's first check waits a whole interval on the demo's engine (Docker 20.10 has no start interval)`);
}

/** Publishes every port in host mode (and on the port `publishedPorts` says); returns how many are published. */
function hostModePorts(doc: Document, options: DemoOptions, note: (change: string) => void): number {
  const ports = doc.getIn(['spec', 'ports']);
  if (!isSeq(ports)) return 0;
  let published = 0;
  ports.items.forEach((port, index) => {
    if (!isMap(port)) return;
    const from = port.get('published');
    if (typeof from === 'number') {
      published += 1;
      const to = options.publishedPorts?.get(from);
      if (to !== undefined && to !== from) {
        doc.setIn(['spec', 'ports', index, 'published'], to);
        note(`published port ${String(from)} → ${String(to)}`);
      }
    }
    if (port.get('mode') !== 'host') {
      doc.setIn(['spec', 'ports', index, 'mode'], 'host');
      note(`port ${String(from ?? port.get('target'))} published in host mode: the routing mesh needs IPVS, which the sandbox's kernel lacks`);
    }
  });
  return published;
}

function dropBindMounts(doc: Document, note: (change: string) => void): void {
  const volumes = doc.getIn(['spec', 'volumes']);
  if (!isSeq(volumes)) return;
  for (let index = volumes.items.length - 1; index >= 0; index -= 1) {
    const volume = volumes.items[index];
    if (!isMap(volume) || volume.get('type') !== 'bind') continue;
    volumes.delete(index);
    note(`bind mount of ${String(volume.get('source'))} dropped: that host path is not on the demo's machine`);
  }
  if (volumes.items.length === 0) doc.deleteIn(['spec', 'volumes']);
}

/** The files that configs and secrets name, relative to the examples directory. */
function referencedFiles(file: string, doc: Document): string[] {
  return ['configs', 'secrets'].flatMap((list) => {
    const entries = doc.getIn(['spec', list]);
    if (!isSeq(entries)) return [];
    return entries.items.flatMap((entry) => {
      const reference = isMap(entry) ? entry.get('file') : undefined;
      return typeof reference === 'string' ? [posix.normalize(posix.join(posix.dirname(file), reference))] : [];
    });
  });
}

function header(file: string, changes: readonly string[], leftOut: readonly LeftOut[]): string {
  const lines = [`Generated by \`kargo demo\` from examples/${file}, for the demo's one-node swarm.`];
  if (changes.length === 0) lines.push('Unchanged: the example runs there as written.');
  else lines.push('Changed from the example, and why:', ...changes.map((change) => `  - ${change}`));
  if (leftOut.length > 0) lines.push('Left out:', ...leftOut.map((object) => `  - ${object.object}: ${object.reason}`));
  lines.push('Edit and save: Kargo applies the change.');
  return `${lines.map((line) => `# ${line}`).join('\n')}\n`;
}

/** A document's text without its own `---` marker (the caller joins documents). */
function documentText(doc: Document): string {
  if (doc.directives !== undefined) doc.directives.docStart = null;
  return doc.toString({ lineWidth: 0 });
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function strings(value: unknown): string[] {
  return isSeq(value) ? value.items.flatMap((item) => (isScalar(item) && typeof item.value === 'string' ? [item.value] : [])) : [];
}

const isEmptyMap = (value: unknown): boolean => isMap(value) && value.items.length === 0;
