/**
 * Every field of the GeoService CRD, one table row each: a value that loads (and is in the loaded
 * resource) and values that do not (with the exact field path, code and the gist of the message).
 * Then what holds for whole documents and files: env and network forms, the default namespace,
 * other kinds, broken and valid documents side by side, and how directories are walked.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { findManifestFiles } from '../../src/adapters/files/manifest-files.js';
import { ManifestProblemCode, type ManifestFile, type ManifestSet } from '../../src/core/manifest/manifest-set.js';
import { parseManifests } from '../../src/core/manifest/parse-manifests.js';
import { manifestValidators } from '../../src/core/manifest/manifest-validators.js';
import { readCrdSchema } from '../../scripts/crd.js';

type Json = string | number | boolean | null | undefined | readonly Json[] | { readonly [key: string]: Json };
/** Part of a manifest, merged into the base one; `undefined` removes a field. */
type Patch = { readonly [key: string]: Json };

interface InvalidValue {
  readonly patch: Patch;
  readonly field: string;
  readonly message: string;
  readonly code: ManifestProblemCode;
}

interface FieldRow {
  /** The field as the CRD reference names it, e.g. `spec.ports[].target`. */
  readonly field: string;
  readonly valid: Patch;
  readonly invalid: readonly InvalidValue[];
}

const validate = manifestValidators;
const base: Patch = { apiVersion: 'kargo.io/v1alpha1', kind: 'GeoService', metadata: { name: 'web' }, spec: { image: 'nginx:1.27' } };

function isMap(value: Json): value is Patch {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function merge(into: Patch, patch: Patch): Patch {
  const merged: Record<string, Json> = { ...into };
  for (const [key, value] of Object.entries(patch)) {
    const current = merged[key];
    merged[key] = isMap(value) && current !== undefined && isMap(current) ? merge(current, value) : value;
  }
  return merged;
}

function manifest(patch: Patch): string {
  return stringify(merge(base, patch));
}

function parse(...files: ManifestFile[]): ManifestSet {
  return parseManifests(files, validate);
}

const spec = (fields: Patch): Patch => ({ spec: fields });
const bad = (patch: Patch, field: string, message: string, code: ManifestProblemCode = ManifestProblemCode.Schema): InvalidValue => ({ patch, field, message, code });
const { InvalidField, InvalidName, PortConflict, UnsupportedApiVersion } = ManifestProblemCode;
const durationMessage = 'must be a duration such as 500ms, 30s, 2m or 1h30m';
const sizeMessage = 'must be a size such as 512M, 2G or 64Mi';
const cpusMessage = 'must be a positive number of CPUs such as 0.5 or 2';

/** A duration field of `parent` (a path in spec), e.g. spec.healthCheck.interval. */
function durationRow(parent: readonly string[], name: string, wrap: (fields: Patch) => Patch): FieldRow {
  const field = ['spec', ...parent, name].join('.');
  return {
    field,
    valid: wrap({ [name]: '1m30s' }),
    invalid: [bad(wrap({ [name]: '30x' }), field, `${durationMessage}, not "30x"`), bad(wrap({ [name]: 30 }), field, 'must be a string, not 30')],
  };
}

/** spec.update and spec.rollback share their shape. */
function updatePolicyRows(policy: 'update' | 'rollback'): FieldRow[] {
  const wrap = (fields: Patch): Patch => spec({ [policy]: fields });
  const at = (name: string): string => `spec.${policy}.${name}`;
  return [
    { field: `spec.${policy}`, valid: wrap({ parallelism: 1 }), invalid: [bad(spec({ [policy]: 'fast' }), `spec.${policy}`, 'must be a map, not "fast"'), bad(wrap({ speed: 2 }), at('speed'), 'unknown field "speed"')] },
    { field: at('parallelism'), valid: wrap({ parallelism: 0 }), invalid: [bad(wrap({ parallelism: -1 }), at('parallelism'), 'must be >= 0, not -1')] },
    durationRow([policy], 'delay', wrap),
    { field: at('order'), valid: wrap({ order: 'start-first' }), invalid: [bad(wrap({ order: 'rolling' }), at('order'), 'must be one of "stop-first", "start-first", not "rolling"')] },
    { field: at('failureAction'), valid: wrap({ failureAction: 'rollback' }), invalid: [bad(wrap({ failureAction: 'abort' }), at('failureAction'), 'must be one of "pause", "continue", "rollback", not "abort"')] },
    durationRow([policy], 'monitor', wrap),
    {
      field: at('maxFailureRatio'),
      valid: wrap({ maxFailureRatio: 0.2 }),
      invalid: [bad(wrap({ maxFailureRatio: 1.5 }), at('maxFailureRatio'), 'must be <= 1, not 1.5'), bad(wrap({ maxFailureRatio: -0.1 }), at('maxFailureRatio'), 'must be >= 0, not -0.1')],
    },
  ];
}

/** spec.resources.limits and spec.resources.reservations share their shape. */
function resourceAmountRows(kind: 'limits' | 'reservations'): FieldRow[] {
  const wrap = (fields: Patch): Patch => spec({ resources: { [kind]: fields } });
  const at = (name: string): string => `spec.resources.${kind}.${name}`;
  return [
    { field: `spec.resources.${kind}`, valid: wrap({ cpus: 0.5, memory: '512M' }), invalid: [bad(wrap({ gpus: 1 }), at('gpus'), 'unknown field "gpus"')] },
    {
      field: at('cpus'),
      valid: wrap({ cpus: 1.5 }),
      invalid: [
        bad(wrap({ cpus: 0 }), at('cpus'), 'must be > 0, not 0'),
        bad(wrap({ cpus: 'two' }), at('cpus'), `${cpusMessage}, not "two"`),
        bad(wrap({ cpus: true }), at('cpus'), 'must be a number or a string, not true'),
      ],
    },
    { field: at('cpus'), valid: wrap({ cpus: '2' }), invalid: [bad(wrap({ cpus: '-1' }), at('cpus'), `${cpusMessage}, not "-1"`)] },
    {
      field: at('memory'),
      valid: wrap({ memory: '1.5G' }),
      invalid: [
        bad(wrap({ memory: '2X' }), at('memory'), `${sizeMessage} (binary units; a quoted number is bytes), not "2X"`),
        bad(wrap({ memory: '-1G' }), at('memory'), `${sizeMessage} (binary units; a quoted number is bytes), not "-1G"`),
        bad(wrap({ memory: 512 }), at('memory'), 'must be a string, not 512'),
      ],
    },
  ];
}

const healthCheck = (fields: Patch): Patch => spec({ healthCheck: fields });
const ogc = (fields: Patch): Patch => spec({ ogc: fields });
const restart = (fields: Patch): Patch => spec({ restart: fields });
const port = (fields: Patch): Patch => spec({ ports: [fields] });
const volume = (fields: Patch): Patch => spec({ volumes: [fields] });
const network = (item: Json): Patch => spec({ networks: [item] });
const config = (fields: Patch): Patch => spec({ configs: [fields] });
const secret = (fields: Patch): Patch => spec({ secrets: [fields] });

/** The uid, gid and mode rows of spec.configs or spec.secrets, on an entry that is otherwise valid. */
function ownerRows(list: 'configs' | 'secrets', entry: Patch): FieldRow[] {
  const item = (fields: Patch): Patch => spec({ [list]: [{ ...entry, ...fields }] });
  return [
    ...(['uid', 'gid'] as const).map((field) => ({
      field: `spec.${list}[].${field}`,
      valid: item({ [field]: '1000' }),
      invalid: [bad(item({ [field]: 1000 }), `spec.${list}[0].${field}`, 'must be a string, not 1000'), bad(item({ [field]: 'www' }), `spec.${list}[0].${field}`, 'must be a numeric id in quotes, e.g. "1000", not "www"')],
    })),
    {
      field: `spec.${list}[].mode`,
      valid: item({ mode: '0440' }),
      invalid: [bad(item({ mode: 440 }), `spec.${list}[0].mode`, 'must be a string, not 440'), bad(item({ mode: '0999' }), `spec.${list}[0].mode`, 'must be an octal mode in quotes, e.g. "0440", not "0999"')],
    },
  ];
}
const envList = (...items: Json[]): Patch => spec({ env: items });
const longName = 'a'.repeat(64);

const fieldRows: readonly FieldRow[] = [
  {
    field: 'apiVersion',
    valid: { apiVersion: 'kargo.io/v1alpha1' },
    invalid: [
      bad({ apiVersion: 'kargo.io/v1beta1' }, 'apiVersion', 'apiVersion kargo.io/v1beta1 is not supported; use kargo.io/v1alpha1', UnsupportedApiVersion),
      bad({ apiVersion: undefined }, 'apiVersion', 'missing required field "apiVersion"', UnsupportedApiVersion),
    ],
  },
  {
    field: 'kind',
    valid: { kind: 'GeoService' },
    invalid: [bad({ kind: undefined }, 'kind', 'missing required field "kind" (use GeoService, Network or GeoJob)'), bad({ kind: 5 }, 'kind', 'must be GeoService, Network or GeoJob, not 5')],
  },
  {
    field: 'metadata',
    valid: { metadata: { name: 'web' } },
    invalid: [bad({ metadata: undefined }, 'metadata', 'missing required field "metadata"'), bad({ metadata: 'web' }, 'metadata', 'must be a map, not "web"')],
  },
  {
    field: 'metadata.name',
    valid: { metadata: { name: 'geo-server-2' } },
    invalid: [
      bad({ metadata: { name: 'GeoServer' } }, 'metadata.name', `must be lower-case letters, digits and '-', starting and ending with a letter or digit, not "GeoServer"`),
      bad({ metadata: { name: 'geo_server' } }, 'metadata.name', `starting and ending with a letter or digit, not "geo_server"`),
      bad({ metadata: { name: 'web-' } }, 'metadata.name', `starting and ending with a letter or digit, not "web-"`),
      bad({ metadata: { name: '' } }, 'metadata.name', 'must not be empty'),
      bad({ metadata: { name: longName } }, 'metadata.name', 'must be at most 63 characters long; it has 64'),
      bad({ metadata: { name: 123 } }, 'metadata.name', 'must be a string, not 123'),
      bad({ metadata: { name: undefined, namespace: 'geo' } }, 'metadata.name', 'missing required field "name"'),
      bad(
        { metadata: { name: 'geoserver-wms-wfs-wcs-public-endpoint-eu-west', namespace: 'geodata-production' } },
        'metadata.name',
        'the Swarm service name "geodata-production_geoserver-wms-wfs-wcs-public-endpoint-eu-west" is 64 characters long; the limit is 63',
        InvalidName,
      ),
    ],
  },
  {
    field: 'metadata.namespace',
    valid: { metadata: { namespace: 'geo' } },
    invalid: [
      bad({ metadata: { namespace: 'geo.prod' } }, 'metadata.namespace', 'not "geo.prod"'),
      bad({ metadata: { namespace: '' } }, 'metadata.namespace', 'must not be empty'),
    ],
  },
  {
    field: 'metadata.labels',
    valid: { metadata: { labels: { team: 'platform' } } },
    invalid: [bad({ metadata: { labels: { team: 1 } } }, 'metadata.labels.team', 'must be a string, not 1'), bad({ metadata: { labels: 'team' } }, 'metadata.labels', 'must be a map, not "team"')],
  },
  {
    field: 'metadata.annotations',
    valid: { metadata: { annotations: { 'example.org/owner': 'gis-team' } } },
    invalid: [bad({ metadata: { annotations: { reviewed: true } } }, 'metadata.annotations.reviewed', 'must be a string, not true')],
  },
  {
    field: 'spec',
    valid: spec({ image: 'nginx:1.27' }),
    invalid: [bad({ spec: undefined }, 'spec', 'missing required field "spec"'), bad({ spec: [] }, 'spec', 'must be a map, not a list')],
  },
  {
    field: 'spec.engine',
    valid: spec({ engine: 'geoserver' }),
    invalid: [bad(spec({ engine: 'qgis-server' }), 'spec.engine', 'must be one of "generic", "geoserver", "mapserver", "mapcache", "tileserver-gl", "postgis", "krawler", not "qgis-server"')],
  },
  {
    field: 'spec.image',
    valid: spec({ image: 'docker.osgeo.org/geoserver:2.25.2' }),
    invalid: [
      bad(spec({ image: 'nginx 1.27' }), 'spec.image', 'must not contain spaces, not "nginx 1.27"'),
      bad(spec({ image: '' }), 'spec.image', 'must not be empty'),
      bad(spec({ image: undefined, replicas: 1 }), 'spec.image', 'missing required field "image"'),
      bad(spec({ image: 3.14 }), 'spec.image', 'must be a string, not 3.14'),
    ],
  },
  {
    field: 'spec.command',
    valid: spec({ command: ['/bin/sh', '-c', 'exec nginx'] }),
    invalid: [bad(spec({ command: 'nginx -g daemon' }), 'spec.command', 'must be a list, not "nginx -g daemon"'), bad(spec({ command: [1] }), 'spec.command[0]', 'must be a string, not 1')],
  },
  {
    field: 'spec.args',
    valid: spec({ args: ['--port', '8080'] }),
    invalid: [bad(spec({ args: '--port 8080' }), 'spec.args', 'must be a list, not "--port 8080"'), bad(spec({ args: ['--port', 8080] }), 'spec.args[1]', 'must be a string, not 8080')],
  },
  {
    field: 'spec.env',
    valid: spec({ env: { JAVA_OPTS: '-Xmx2g', MAX_PROCESSES: 4, DEBUG: false } }),
    invalid: [
      bad(spec({ env: 'A=1' }), 'spec.env', 'must be a map or a list, not "A=1"'),
      bad(spec({ env: { A: null } }), 'spec.env.A', 'must be a string, a number or a boolean, not null'),
      bad(spec({ env: { 'A=B': 'x' } }), 'spec.env.A=B', '"A=B" is not a valid variable name', InvalidField),
    ],
  },
  {
    field: 'spec.env[].name',
    valid: envList({ name: 'LOG_LEVEL', value: 'info' }),
    invalid: [
      bad(envList({ name: 'A=B', value: 'x' }), 'spec.env[0].name', `must not contain '=', not "A=B"`),
      bad(envList({ name: '', value: 'x' }), 'spec.env[0].name', 'must not be empty'),
      bad(envList({ value: 'x' }), 'spec.env[0].name', 'missing required field "name"'),
      bad(envList({ name: 'A', value: '1' }, { name: 'A', value: '2' }), 'spec.env[1].name', 'A is set twice', InvalidField),
    ],
  },
  {
    field: 'spec.env[].value',
    valid: envList({ name: 'WORKERS', value: 4 }, { name: 'VERBOSE', value: true }),
    invalid: [
      bad(envList({ name: 'A', value: { x: 1 } }), 'spec.env[0].value', 'must be a string, a number or a boolean, not a map'),
      bad(envList({ name: 'A' }), 'spec.env[0].value', 'missing required field "value"'),
    ],
  },
  {
    field: 'spec.replicas',
    valid: spec({ replicas: 3 }),
    invalid: [
      bad(spec({ replicas: -1 }), 'spec.replicas', 'must be >= 0, not -1'),
      bad(spec({ replicas: 1.5 }), 'spec.replicas', 'must be an integer, not 1.5'),
      bad(spec({ replicas: 'two' }), 'spec.replicas', 'must be an integer, not "two"'),
      bad(spec({ mode: 'global', replicas: 2 }), 'spec.replicas', 'replicas cannot be set with mode: global', InvalidField),
    ],
  },
  {
    field: 'spec.mode',
    valid: spec({ mode: 'global' }),
    invalid: [bad(spec({ mode: 'daemon' }), 'spec.mode', 'must be one of "replicated", "global", not "daemon"')],
  },
  {
    field: 'spec.ports',
    valid: spec({ ports: [{ target: 80, published: 8080 }, { target: 443 }] }),
    invalid: [bad(spec({ ports: { target: 80 } }), 'spec.ports', 'must be a list, not a map'), bad(spec({ ports: [80] }), 'spec.ports[0]', 'must be a map, not 80')],
  },
  {
    field: 'spec.ports[].target',
    valid: port({ target: 8080 }),
    invalid: [
      bad(port({ target: 0 }), 'spec.ports[0].target', 'must be >= 1, not 0'),
      bad(port({ target: 65536 }), 'spec.ports[0].target', 'must be <= 65535, not 65536'),
      bad(port({ published: 8080 }), 'spec.ports[0].target', 'missing required field "target" (engine generic has no default port)', InvalidField),
    ],
  },
  {
    field: 'spec.ports[].published',
    valid: port({ target: 80, published: 8080 }),
    invalid: [
      bad(port({ target: 80, published: 0 }), 'spec.ports[0].published', 'must be >= 1, not 0'),
      bad(port({ target: 80, published: '8080' }), 'spec.ports[0].published', 'must be an integer, not "8080"'),
      bad(spec({ ports: [{ target: 80, published: 8080 }, { target: 81, published: 8080 }] }), 'spec.ports[1].published', 'port 8080/tcp is already published by spec.ports[0]', PortConflict),
    ],
  },
  {
    field: 'spec.ports[].protocol',
    valid: port({ target: 53, published: 53, protocol: 'udp' }),
    invalid: [bad(port({ target: 80, protocol: 'http' }), 'spec.ports[0].protocol', 'must be one of "tcp", "udp", "sctp", not "http"')],
  },
  {
    field: 'spec.ports[].mode',
    valid: port({ target: 80, published: 8080, mode: 'host' }),
    invalid: [bad(port({ target: 80, mode: 'bridge' }), 'spec.ports[0].mode', 'must be one of "ingress", "host", not "bridge"')],
  },
  {
    field: 'spec.networks',
    valid: spec({ networks: ['default', { name: 'traefik-public', external: true }] }),
    invalid: [
      bad(spec({ networks: 'backend' }), 'spec.networks', 'must be a list, not "backend"'),
      bad(network(42), 'spec.networks[0]', 'must be a string or a map, not 42'),
      bad(network(''), 'spec.networks[0]', 'must not be empty'),
    ],
  },
  {
    field: 'spec.networks[].name',
    valid: network({ name: 'default' }),
    invalid: [
      bad(network({ aliases: ['db'] }), 'spec.networks[0].name', 'missing required field "name"'),
      bad(network({ name: '' }), 'spec.networks[0].name', 'must not be empty'),
      bad(network({ name: 'backend' }), 'spec.networks[0]', 'network "backend" is not a Network of namespace default', 'unknown-network'),
    ],
  },
  {
    field: 'spec.networks[].external',
    valid: network({ name: 'traefik-public', external: true }),
    invalid: [bad(network({ name: 'traefik-public', external: 'yes' }), 'spec.networks[0].external', 'must be a boolean')],
  },
  {
    field: 'spec.networks[].aliases',
    valid: network({ name: 'default', aliases: ['db', 'postgis'] }),
    invalid: [
      bad(network({ name: 'backend', aliases: 'db' }), 'spec.networks[0].aliases', 'must be a list, not "db"'),
      bad(network({ name: 'backend', aliases: [''] }), 'spec.networks[0].aliases[0]', 'must not be empty'),
    ],
  },
  {
    field: 'spec.volumes',
    valid: spec({ volumes: [{ type: 'volume', source: 'data', target: '/data' }, { type: 'tmpfs', target: '/tmp' }] }),
    invalid: [
      bad(spec({ volumes: { type: 'volume' } }), 'spec.volumes', 'must be a list, not a map'),
      bad(
        spec({ volumes: [{ type: 'volume', source: 'a', target: '/data' }, { type: 'volume', source: 'b', target: '/data' }] }),
        'spec.volumes[1].target',
        '/data is already mounted by spec.volumes[0]',
        InvalidField,
      ),
    ],
  },
  {
    field: 'spec.volumes[].type',
    valid: volume({ type: 'tmpfs', target: '/tmp' }),
    invalid: [
      bad(volume({ type: 'nfs', source: 'data', target: '/data' }), 'spec.volumes[0].type', 'must be one of "volume", "bind", "tmpfs", not "nfs"'),
      bad(volume({ source: 'data', target: '/data' }), 'spec.volumes[0].type', 'missing required field "type"'),
    ],
  },
  {
    field: 'spec.volumes[].source',
    valid: volume({ type: 'bind', source: '/srv/geodata', target: '/data' }),
    invalid: [
      bad(volume({ type: 'bind', source: './data', target: '/data' }), 'spec.volumes[0].source', 'a bind source must be an absolute host path, not "./data"', InvalidField),
      bad(volume({ type: 'bind', target: '/data' }), 'spec.volumes[0].source', 'a bind mount needs a source (an absolute host path)', InvalidField),
      bad(volume({ type: 'tmpfs', source: 'scratch', target: '/tmp' }), 'spec.volumes[0].source', 'a tmpfs has no source', InvalidField),
      bad(volume({ type: 'volume', source: '', target: '/data' }), 'spec.volumes[0].source', 'must not be empty'),
    ],
  },
  {
    field: 'spec.volumes[].target',
    valid: volume({ type: 'volume', source: 'data', target: '/data' }),
    invalid: [
      bad(volume({ type: 'volume', source: 'data', target: 'data' }), 'spec.volumes[0].target', 'must be an absolute path (start with /), not "data"'),
      bad(volume({ type: 'volume', source: 'data' }), 'spec.volumes[0].target', 'missing required field "target" (engine generic has no data path)', InvalidField),
    ],
  },
  {
    field: 'spec.volumes[].readOnly',
    valid: volume({ type: 'bind', source: '/srv/geodata', target: '/data', readOnly: true }),
    invalid: [bad(volume({ type: 'bind', source: '/srv/geodata', target: '/data', readOnly: 'yes' }), 'spec.volumes[0].readOnly', 'must be a boolean, not "yes"')],
  },
  {
    field: 'spec.volumes[].size',
    valid: volume({ type: 'tmpfs', target: '/dev/shm', size: '256M' }),
    invalid: [
      bad(volume({ type: 'tmpfs', target: '/tmp', size: '64X' }), 'spec.volumes[0].size', `${sizeMessage} (binary units; a quoted number is bytes), not "64X"`),
      bad(volume({ type: 'volume', source: 'data', target: '/data', size: '1G' }), 'spec.volumes[0].size', 'size applies only to a tmpfs', InvalidField),
    ],
  },
  {
    field: 'spec.configs',
    valid: spec({ configs: [{ file: './mapfiles/roads.map', target: '/etc/mapserver/roads.map' }, { content: 'x', target: '/etc/x' }] }),
    invalid: [
      bad(spec({ configs: { file: 'a', target: '/a' } }), 'spec.configs', 'must be a list, not a map'),
      bad(config({ target: '/a' }), 'spec.configs[0]', 'set one of file, content'),
      bad(config({ file: 'a', content: 'b', target: '/a' }), 'spec.configs[0]', 'set only one of file, content'),
      bad(spec({ configs: [{ content: 'a', target: '/a' }, { content: 'b', target: '/a' }] }), 'spec.configs[1].target', '/a is already mounted by spec.configs[0]', InvalidField),
    ],
  },
  {
    field: 'spec.configs[].file',
    valid: config({ file: '../shared/roads.map', target: '/a' }),
    invalid: [
      bad(config({ file: '/etc/passwd', target: '/a' }), 'spec.configs[0].file', '"/etc/passwd" must be a path relative to this manifest, inside the manifests root', InvalidField),
      bad(config({ file: '', target: '/a' }), 'spec.configs[0].file', 'must not be empty'),
    ],
  },
  {
    field: 'spec.configs[].content',
    valid: config({ content: 'MAP\nEND\n', target: '/a' }),
    invalid: [
      bad(config({ content: 'x'.repeat(500 * 1024 + 1), target: '/a' }), 'spec.configs[0].content', 'the content is 512001 bytes; a Swarm config holds at most 512000', InvalidField),
      bad(config({ content: 3, target: '/a' }), 'spec.configs[0].content', 'must be a string, not 3'),
    ],
  },
  {
    field: 'spec.configs[].target',
    valid: config({ content: 'x', target: '/etc/x.conf' }),
    invalid: [
      bad(config({ content: 'x' }), 'spec.configs[0].target', 'missing required field "target"'),
      bad(config({ content: 'x', target: 'x.conf' }), 'spec.configs[0].target', 'must be an absolute path (start with /), not "x.conf"'),
    ],
  },
  ...ownerRows('configs', { content: 'x', target: '/a' }),
  {
    field: 'spec.secrets',
    valid: spec({ secrets: [{ file: './secrets/db-password.age' }, { external: 'traefik-cert', target: '/certs/cert.pem' }] }),
    invalid: [
      bad(secret({}), 'spec.secrets[0]', 'set one of file, external'),
      bad(secret({ file: 'a.age', external: 'b' }), 'spec.secrets[0]', 'set only one of file, external'),
      bad(spec({ secrets: [{ file: 'pw.age' }, { external: 'pw' }] }), 'spec.secrets[1].external', '/run/secrets/pw is already mounted by spec.secrets[0]', InvalidField),
    ],
  },
  {
    field: 'spec.secrets[].file',
    valid: secret({ file: 'secrets/pw.age', target: 'pw' }),
    invalid: [
      bad(secret({ file: '/run/secrets/pw', target: 'pw' }), 'spec.secrets[0].file', '"/run/secrets/pw" must be a path relative to this manifest, inside the manifests root', InvalidField),
      bad(secret({ file: '.age' }), 'spec.secrets[0].target', 'the file name gives no target: set target', InvalidField),
    ],
  },
  {
    field: 'spec.secrets[].external',
    valid: secret({ external: 'postgis-password' }),
    invalid: [bad(secret({ external: '' }), 'spec.secrets[0].external', 'must not be empty')],
  },
  {
    field: 'spec.secrets[].target',
    valid: secret({ external: 'pw', target: '/etc/pw' }),
    invalid: [bad(secret({ external: 'pw', target: 'a/b' }), 'spec.secrets[0].target', 'must be a file name (under /run/secrets/) or an absolute path, not "a/b"')],
  },
  ...ownerRows('secrets', { external: 'pw' }),
  {
    field: 'spec.resources',
    valid: spec({ resources: { limits: { cpus: 2, memory: '4G' }, reservations: { cpus: 1, memory: '2G' } } }),
    invalid: [
      bad(spec({ resources: 'big' }), 'spec.resources', 'must be a map, not "big"'),
      bad(spec({ resources: { requests: { cpus: 1 } } }), 'spec.resources.requests', 'unknown field "requests"'),
    ],
  },
  ...resourceAmountRows('limits'),
  ...resourceAmountRows('reservations'),
  {
    field: 'spec.resources.reservations.cpus',
    valid: spec({ resources: { limits: { cpus: 2 }, reservations: { cpus: '2' } } }),
    invalid: [bad(spec({ resources: { limits: { cpus: 0.5 }, reservations: { cpus: '2' } } }), 'spec.resources.reservations.cpus', 'the CPU reservation is above the CPU limit', InvalidField)],
  },
  {
    field: 'spec.resources.reservations.memory',
    valid: spec({ resources: { limits: { memory: '1G' }, reservations: { memory: '1024M' } } }),
    invalid: [bad(spec({ resources: { limits: { memory: '512M' }, reservations: { memory: '1G' } } }), 'spec.resources.reservations.memory', 'the memory reservation is above the memory limit', InvalidField)],
  },
  {
    field: 'spec.placement',
    valid: spec({ placement: { maxReplicasPerNode: 1, constraints: ['node.role == worker'] } }),
    invalid: [bad(spec({ placement: ['node.role == worker'] }), 'spec.placement', 'must be a map, not a list')],
  },
  {
    field: 'spec.placement.constraints',
    valid: spec({ placement: { constraints: ['node.labels.geodata == true', 'node.role != manager'] } }),
    invalid: [
      bad(spec({ placement: { constraints: ['node.labels.geodata'] } }), 'spec.placement.constraints[0]', 'must be a constraint such as node.labels.zone == east or node.role != manager, not "node.labels.geodata"'),
      bad(spec({ placement: { constraints: 'node.role == worker' } }), 'spec.placement.constraints', 'must be a list, not "node.role == worker"'),
    ],
  },
  {
    field: 'spec.placement.preferences',
    valid: spec({ placement: { preferences: [{ spread: 'node.labels.zone' }] } }),
    invalid: [bad(spec({ placement: { preferences: 'node.labels.zone' } }), 'spec.placement.preferences', 'must be a list, not "node.labels.zone"')],
  },
  {
    field: 'spec.placement.preferences[].spread',
    valid: spec({ placement: { preferences: [{ spread: 'node.labels.rack' }] } }),
    invalid: [
      bad(spec({ placement: { preferences: [{}] } }), 'spec.placement.preferences[0].spread', 'missing required field "spread"'),
      bad(spec({ placement: { preferences: [{ spread: '' }] } }), 'spec.placement.preferences[0].spread', 'must not be empty'),
    ],
  },
  {
    field: 'spec.placement.maxReplicasPerNode',
    valid: spec({ placement: { maxReplicasPerNode: 2 } }),
    invalid: [bad(spec({ placement: { maxReplicasPerNode: 0 } }), 'spec.placement.maxReplicasPerNode', 'must be >= 1, not 0')],
  },
  {
    field: 'spec.healthCheck',
    valid: healthCheck({ command: 'pg_isready', interval: '10s', timeout: '5s', retries: 5, startPeriod: '30s' }),
    invalid: [bad(spec({ healthCheck: 'curl -f http://localhost/' }), 'spec.healthCheck', 'must be a map, not "curl -f http://localhost/"')],
  },
  {
    field: 'spec.healthCheck.command',
    valid: healthCheck({ command: ['curl', '-f', 'http://localhost/'] }),
    invalid: [
      bad(healthCheck({ command: [] }), 'spec.healthCheck.command', 'must not be an empty list'),
      bad(healthCheck({ command: '' }), 'spec.healthCheck.command', 'must not be empty'),
      bad(healthCheck({ command: 5 }), 'spec.healthCheck.command', 'must be a string or a list, not 5'),
      bad(healthCheck({ command: 'true', httpPath: '/health', port: 8080 }), 'spec.healthCheck.httpPath', 'set either command or httpPath, not both', InvalidField),
    ],
  },
  {
    field: 'spec.healthCheck.command',
    valid: healthCheck({ command: 'wget -q -O- http://localhost/ || exit 1' }),
    invalid: [bad(healthCheck({ command: ['curl', 1] }), 'spec.healthCheck.command[1]', 'must be a string, not 1')],
  },
  {
    field: 'spec.healthCheck.httpPath',
    valid: healthCheck({ httpPath: '/health', port: 8080 }),
    invalid: [
      bad(healthCheck({ httpPath: 'health', port: 8080 }), 'spec.healthCheck.httpPath', 'must be an absolute path (start with /), not "health"'),
      bad(healthCheck({ httpPath: '/health' }), 'spec.healthCheck.port', 'missing field "port": engine generic has no default port and spec.ports has no target', InvalidField),
    ],
  },
  {
    field: 'spec.healthCheck.port',
    valid: healthCheck({ httpPath: '/health', port: 9090 }),
    invalid: [
      bad(healthCheck({ httpPath: '/health', port: 0 }), 'spec.healthCheck.port', 'must be >= 1, not 0'),
      bad(healthCheck({ httpPath: '/health', port: 65536 }), 'spec.healthCheck.port', 'must be <= 65535, not 65536'),
    ],
  },
  durationRow(['healthCheck'], 'interval', healthCheck),
  durationRow(['healthCheck'], 'timeout', healthCheck),
  {
    field: 'spec.healthCheck.retries',
    valid: healthCheck({ command: 'true', retries: 3 }),
    invalid: [bad(healthCheck({ command: 'true', retries: 0 }), 'spec.healthCheck.retries', 'must be >= 1, not 0'), bad(healthCheck({ command: 'true', retries: 2.5 }), 'spec.healthCheck.retries', 'must be an integer, not 2.5')],
  },
  durationRow(['healthCheck'], 'startPeriod', healthCheck),
  {
    field: 'spec.healthCheck.disable',
    valid: healthCheck({ disable: true }),
    invalid: [
      bad(healthCheck({ disable: 'yes' }), 'spec.healthCheck.disable', 'must be a boolean, not "yes"'),
      bad(healthCheck({ disable: true, command: 'true' }), 'spec.healthCheck.command', 'disable: true cannot be combined with other health check fields', InvalidField),
    ],
  },
  ...updatePolicyRows('update'),
  ...updatePolicyRows('rollback'),
  {
    field: 'spec.restart',
    valid: restart({ condition: 'any', maxAttempts: 0 }),
    invalid: [bad(spec({ restart: 'always' }), 'spec.restart', 'must be a map, not "always"')],
  },
  {
    field: 'spec.restart.condition',
    valid: restart({ condition: 'on-failure' }),
    invalid: [bad(restart({ condition: 'always' }), 'spec.restart.condition', 'must be one of "none", "on-failure", "any", not "always"')],
  },
  durationRow(['restart'], 'delay', restart),
  {
    field: 'spec.restart.maxAttempts',
    valid: restart({ maxAttempts: 3 }),
    invalid: [bad(restart({ maxAttempts: -1 }), 'spec.restart.maxAttempts', 'must be >= 0, not -1')],
  },
  durationRow(['restart'], 'window', restart),
  {
    field: 'spec.labels',
    valid: spec({ labels: { 'org.example.team': 'platform', tier: 'web' } }),
    invalid: [
      bad(spec({ labels: { 'io.kargo.managed-by': 'me' } }), 'spec.labels.io.kargo.managed-by', 'label io.kargo.managed-by is reserved', InvalidField),
      bad(spec({ labels: { 'com.docker.stack.namespace': 'geo' } }), 'spec.labels.com.docker.stack.namespace', 'label com.docker.stack.namespace is reserved', InvalidField),
      bad(spec({ labels: { tier: 3 } }), 'spec.labels.tier', 'must be a string, not 3'),
    ],
  },
  {
    field: 'spec.containerLabels',
    valid: spec({ containerLabels: { 'org.weacast.component': 'api' } }),
    invalid: [bad(spec({ containerLabels: { tier: 3 } }), 'spec.containerLabels.tier', 'must be a string, not 3'), bad(spec({ containerLabels: ['tier=web'] }), 'spec.containerLabels', 'must be a map, not a list')],
  },
  {
    field: 'spec.stopGracePeriod',
    valid: spec({ stopGracePeriod: '20s' }),
    invalid: [bad(spec({ stopGracePeriod: '1.2.3s' }), 'spec.stopGracePeriod', `${durationMessage}, not "1.2.3s"`), bad(spec({ stopGracePeriod: '-5s' }), 'spec.stopGracePeriod', `${durationMessage}, not "-5s"`)],
  },
  {
    field: 'spec.stopSignal',
    valid: spec({ stopSignal: 'SIGINT' }),
    invalid: [bad(spec({ stopSignal: 'INT' }), 'spec.stopSignal', 'must be a signal name such as SIGINT or SIGTERM, not "INT"'), bad(spec({ stopSignal: 2 }), 'spec.stopSignal', 'must be a string, not 2')],
  },
  {
    field: 'spec.user',
    valid: spec({ user: '1000:1000' }),
    invalid: [bad(spec({ user: 1000 }), 'spec.user', 'must be a string, not 1000'), bad(spec({ user: '' }), 'spec.user', 'must not be empty')],
  },
  {
    field: 'spec.workingDir',
    valid: spec({ workingDir: '/opt/krawler' }),
    invalid: [bad(spec({ workingDir: 'opt/krawler' }), 'spec.workingDir', 'must be an absolute path (start with /), not "opt/krawler"')],
  },
  {
    field: 'spec.suspend',
    valid: spec({ suspend: true }),
    invalid: [bad(spec({ suspend: 'true' }), 'spec.suspend', 'must be a boolean, not "true"')],
  },
  {
    field: 'spec.dependsOn',
    // Alone in its file, a manifest can depend on nothing: test/unit/dependencies.test.ts has the rest.
    valid: spec({ dependsOn: [] }),
    invalid: [
      bad(spec({ dependsOn: 'db' }), 'spec.dependsOn', 'must be a list, not "db"'),
      bad(spec({ dependsOn: ['Bad Name'] }), 'spec.dependsOn[0]', 'must be the name of a GeoService, or namespace/name, not "Bad Name"'),
      bad(spec({ dependsOn: ['a/b/c'] }), 'spec.dependsOn[0]', 'must be the name of a GeoService, or namespace/name, not "a/b/c"'),
    ],
  },
  {
    field: 'spec.ogc',
    valid: ogc({ service: 'WMS' }),
    invalid: [
      bad(spec({ ogc: 'WMS' }), 'spec.ogc', 'must be a map, not "WMS"'),
      bad(ogc({}), 'spec.ogc.service', 'missing required field "service"'),
      bad(ogc({ service: 'WMS', probe: true }), 'spec.ogc.probe', 'unknown field "probe"'),
      bad({ spec: { image: 'x', ogc: { service: 'WMS' }, healthCheck: { command: 'true' } } }, 'spec.healthCheck.command', 'healthCheck.command cannot be combined with spec.ogc: the OGC check is the task\'s health check (keep healthCheck for its timings only)', InvalidField),
    ],
  },
  { field: 'spec.ogc.service', valid: ogc({ service: 'WMTS' }), invalid: [bad(ogc({ service: 'TMS' }), 'spec.ogc.service', 'must be one of "WMS", "WFS", "WCS", "WMTS", not "TMS"')] },
  { field: 'spec.ogc.path', valid: ogc({ service: 'WMS', path: '/cgi-bin/mapserv?map=/etc/mapserver/wms.map' }), invalid: [bad(ogc({ service: 'WMS', path: 'cgi-bin/mapserv' }), 'spec.ogc.path', 'must be an absolute path (start with /), not "cgi-bin/mapserv"')] },
  { field: 'spec.ogc.version', valid: ogc({ service: 'WMS', version: '1.1.1' }), invalid: [bad(ogc({ service: 'WMS', version: 'latest' }), 'spec.ogc.version', 'must be a version such as 1.3.0, not "latest"')] },
  { field: 'spec.ogc.layers', valid: ogc({ service: 'WFS', layers: ['ms:cities', 'roads_2'] }), invalid: [bad(ogc({ service: 'WMS', layers: ["roads'; rm -rf /"] }), 'spec.ogc.layers[0]', 'must be a layer name of letters, digits and \'_\', \'.\', \':\', \'-\', not "roads\'; rm -rf /"')] },
  { field: 'spec.ogc.bbox', valid: ogc({ service: 'WMS', bbox: [-5.5, 41, 10, 51.5] }), invalid: [bad(ogc({ service: 'WMS', bbox: [0, 0, 1] }), 'spec.ogc.bbox', 'must have at least 4 items')] },
  { field: 'spec.ogc.url', valid: ogc({ service: 'WMS', url: 'https://maps.example.org/wms' }), invalid: [bad(ogc({ service: 'WMS', url: 'maps.example.org' }), 'spec.ogc.url', 'must be an http:// or https:// URL, not "maps.example.org"')] },
  durationRow(['ogc'], 'interval', (fields) => ogc({ service: 'WMS', ...fields })),
];

interface SchemaNode {
  readonly properties?: Record<string, SchemaNode>;
  readonly items?: SchemaNode;
  readonly oneOf?: readonly SchemaNode[];
}

/** Every field the schema names, as the CRD reference writes them (`spec.ports[].target`). */
function fieldsOf(node: SchemaNode, prefix: string): string[] {
  const own = Object.entries(node.properties ?? {}).flatMap(([name, child]) => {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    return [path, ...fieldsOf(child, path)];
  });
  const items = node.items === undefined ? [] : fieldsOf(node.items, `${prefix}[]`);
  const alternatives = (node.oneOf ?? []).flatMap((alternative) => fieldsOf(alternative, prefix));
  return [...own, ...items, ...alternatives];
}

/** Whether `patch` sets `field` (named as in the CRD reference), so that a row tests what it says. */
function setsField(value: Json, segments: readonly string[]): boolean {
  const [head, ...rest] = segments;
  if (head === undefined) return value !== undefined;
  if (!isMap(value)) return false;
  const child = value[head.replace(/\[\]$/, '')];
  if (!head.endsWith('[]')) return setsField(child, rest);
  const items: readonly Json[] = Array.isArray(child) ? child : [];
  return items.some((item) => setsField(item, rest));
}

const validRows = fieldRows.map((row) => ({ ...row, value: JSON.stringify(row.valid) }));
const invalidRows = fieldRows.flatMap((row) => row.invalid.map((invalid) => ({ ...invalid, value: JSON.stringify(invalid.patch) })));

describe('GeoService fields', () => {
  it('has a row for every field of the CRD, and no row for a field the CRD lacks', () => {
    const crdFields = [...new Set(fieldsOf(readCrdSchema(), ''))].sort();
    expect([...new Set(fieldRows.map((row) => row.field))].sort()).toEqual(crdFields);
  });

  it.each(validRows)('$field accepts $value, which is in the loaded resource', ({ field, valid }) => {
    expect(setsField(valid, field.split('.')), `the row of ${field} sets it`).toBe(true);
    const set = parse({ path: 'm.yaml', text: manifest(valid) });
    expect(set.problems).toEqual([]);
    expect(set.manifests).toHaveLength(1);
    expect(set.manifests[0]?.resource).toMatchObject(valid);
  });

  it.each(invalidRows)('$field rejects $value', ({ patch, field, code, message }) => {
    const set = parse({ path: 'm.yaml', text: manifest(patch) });
    expect(set.manifests).toEqual([]);
    expect(set.problems.map((problem) => ({ field: problem.field, code: problem.code }))).toEqual([{ field, code }]);
    expect(set.problems[0]?.message).toContain(message);
  });
});

describe('GeoService documents and files', () => {
  it('loads env written as a map, keeping numbers and booleans', () => {
    const set = parse({ path: 'm.yaml', text: manifest(spec({ env: { NAME: 'geo', WORKERS: 4, DEBUG: true } })) });
    expect(set.manifests[0]?.resource.spec.env).toEqual({ NAME: 'geo', WORKERS: 4, DEBUG: true });
  });

  it('loads env written as a list of name and value, in order', () => {
    const set = parse({ path: 'm.yaml', text: manifest(envList({ name: 'B', value: 'second' }, { name: 'A', value: 1 })) });
    expect(set.manifests[0]?.resource.spec.env).toEqual([{ name: 'B', value: 'second' }, { name: 'A', value: 1 }]);
  });

  it('loads a network written as a plain name', () => {
    const set = parse({ path: 'm.yaml', text: manifest(spec({ networks: ['default'] })) });
    expect(set.manifests[0]?.resource.spec.networks).toEqual(['default']);
  });

  it('loads a network written as a name with aliases', () => {
    const set = parse({ path: 'm.yaml', text: manifest(network({ name: 'backend', external: true, aliases: ['db'] })) });
    expect(set.manifests[0]?.resource.spec.networks).toEqual([{ name: 'backend', external: true, aliases: ['db'] }]);
  });

  it('puts a GeoService without namespace in namespace "default"', () => {
    const set = parse({ path: 'm.yaml', text: manifest({}) });
    expect(set.manifests.map(({ key, resource }) => ({ key, namespace: resource.metadata.namespace }))).toEqual([{ key: 'default/web', namespace: 'default' }]);
  });

  it('keys a GeoService by its namespace and name', () => {
    const set = parse({ path: 'm.yaml', text: manifest({ metadata: { name: 'wms', namespace: 'geo' } }) });
    expect(set.manifests.map((loaded) => loaded.key)).toEqual(['geo/wms']);
  });

  it('reports other kinds in a multi-document file as ignored, with where they are', () => {
    const text = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: { name: settings }', '---', manifest({})].join('\n');
    const set = parse({ path: 'm.yaml', text });
    expect(set.problems).toEqual([]);
    expect(set.ignored).toEqual([{ file: 'm.yaml', line: 1, column: 1, apiVersion: 'v1', kind: 'ConfigMap' }]);
    expect(set.manifests.map((loaded) => ({ key: loaded.key, line: loaded.source.line }))).toEqual([{ key: 'default/web', line: 5 }]);
  });

  it('reports a misspelt kind in the kargo.io group as an error, not as another kind', () => {
    const text = ['apiVersion: kargo.io/v1alpha1', 'kind: Geoservice', 'metadata: { name: web }', 'spec: { image: x }'].join('\n');
    const set = parse({ path: 'm.yaml', text });
    expect(set.ignored).toEqual([]);
    expect(set.problems.map((problem) => [problem.line, problem.column, problem.field, problem.message])).toEqual([[2, 7, 'kind', 'must be GeoService, Network or GeoJob, not "Geoservice"']]);
  });

  it('still loads the valid document of a file whose other document is broken', () => {
    const text = [manifest({ metadata: { name: 'broken' }, spec: { replicas: 'two' } }), '---', manifest({ metadata: { name: 'fine' } })].join('\n');
    const set = parse({ path: 'm.yaml', text });
    expect(set.problems.map((problem) => `${problem.field} ${problem.key ?? ''}`)).toEqual(['spec.replicas default/broken']);
    expect(set.manifests.map((loaded) => loaded.key)).toEqual(['default/fine']);
  });

  it('still loads a valid file next to a file that is not even YAML', () => {
    const set = parse({ path: 'bad.yaml', text: 'spec: [unclosed\n' }, { path: 'good.yaml', text: manifest({}) });
    expect(set.problems.map((problem) => `${problem.file} ${problem.code}`)).toEqual(['bad.yaml yaml-syntax']);
    expect(set.manifests.map((loaded) => `${loaded.source.file} ${loaded.key}`)).toEqual(['good.yaml default/web']);
    expect(set.files).toEqual(['bad.yaml', 'good.yaml']);
  });

  it('accepts an empty file with only comments and a trailing --- as zero manifests', () => {
    const set = parse({ path: 'empty.yaml', text: '# yaml-language-server: $schema=../crds/geoservice.schema.json\n# nothing here yet\n---\n' });
    expect({ problems: set.problems, manifests: set.manifests, ignored: set.ignored, files: set.files }).toEqual({ problems: [], manifests: [], ignored: [], files: ['empty.yaml'] });
  });
});

describe('findManifestFiles', () => {
  let root = '';
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'kargo-manifests-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function put(path: string, text = manifest({})): Promise<string> {
    const full = join(root, path);
    await mkdir(join(full, '..'), { recursive: true });
    await writeFile(full, text);
    return full;
  }

  it('reads .yaml and .yml files in subdirectories, sorted, and nothing else', async () => {
    const expected = [await put('repo/a.yaml'), await put('repo/sub/b.yml'), await put('repo/sub/deeper/C.YAML')];
    await put('repo/README.md', '# not a manifest');
    await put('repo/notes.txt', 'kind: GeoService');
    const { found } = await findManifestFiles([join(root, 'repo')]);
    expect(found.map((file) => file.path)).toEqual(expected);
  });

  it('skips hidden directories such as .git and hidden files', async () => {
    const visible = await put('repo/app.yaml');
    await put('repo/.git/objects/pack.yaml');
    await put('repo/.hidden.yaml');
    const { found } = await findManifestFiles([join(root, 'repo')]);
    expect(found.map((file) => file.path)).toEqual([visible]);
  });

  it('follows a symlinked directory inside the root, as a git-sync checkout is', async () => {
    await put('repo/.worktrees/rev-1/geo/wms.yaml');
    await symlink(join(root, 'repo', '.worktrees', 'rev-1'), join(root, 'repo', 'current'));
    const { found } = await findManifestFiles([join(root, 'repo')]);
    expect(found.map((file) => file.path)).toEqual([join(root, 'repo', 'current', 'geo', 'wms.yaml')]);
  });

  it('takes a root that is itself a symlink (git-sync swaps it) as the real directory it names', async () => {
    await put('checkouts/rev-1/geo/wms.yaml');
    await symlink(join(root, 'checkouts', 'rev-1'), join(root, 'current'));
    const { found, missing } = await findManifestFiles([join(root, 'current')]);
    expect(found.map((file) => file.path)).toEqual([join(root, 'current', 'geo', 'wms.yaml')]);
    expect(missing).toEqual([]);
  });

  it('walks a symlink that points back up the tree only once', async () => {
    const only = await put('repo/app.yaml');
    await symlink(join(root, 'repo'), join(root, 'repo', 'loop'));
    const { found } = await findManifestFiles([join(root, 'repo')]);
    expect(found.map((file) => file.path)).toEqual([only]);
  });

  it('reports a path that does not exist as unreadable instead of failing', async () => {
    const missing = join(root, 'nowhere');
    const { found, missing: unreadable } = await findManifestFiles([missing]);
    expect(found).toEqual([]);
    expect(unreadable).toEqual([{ path: missing, unreadable: expect.stringContaining('ENOENT') as string }]);
  });
});
