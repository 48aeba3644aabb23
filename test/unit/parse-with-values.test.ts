/** Manifests parsed after substitution: types, positions, problems that hold a service, injected structure. */
import { describe, expect, it } from 'vitest';
import { desiredStateOf } from '../../src/core/desired-state.js';
import { manifestValidators } from '../../src/core/manifest/manifest-validators.js';
import { combineParsedFiles } from '../../src/core/manifest/parse-manifests.js';
import { parseManifestFileWithValues } from '../../src/core/manifest/parse-with-values.js';
import { textDigest } from '../../src/core/source-revision.js';

function parse(text: string, values: Record<string, string> = {}): ReturnType<typeof parseManifestFileWithValues> {
  return parseManifestFileWithValues({ path: 'm.yaml', text }, new Map(Object.entries(values)), manifestValidators);
}

function manifest(spec: string, metadata = '{ name: app, namespace: geo }'): string {
  return `apiVersion: kargo.io/v1alpha1\nkind: GeoService\nmetadata: ${metadata}\nspec:\n${spec}`;
}

const base = '  image: app:${TAG}\n';

describe('parseManifestFileWithValues', () => {
  it('substitutes before parsing: a value reads as the YAML type it spells', () => {
    const file = parse(manifest(`${base}  replicas: \${REPLICAS:-1}\n  placement: { constraints: ["\${CONSTRAINT}"] }\n`), { TAG: '1.2', REPLICAS: '2', CONSTRAINT: 'node.labels.zone == b' });
    expect(file.problems).toEqual([]);
    expect(file.candidates[0]?.resource.spec).toMatchObject({ image: 'app:1.2', replicas: 2, placement: { constraints: ['node.labels.zone == b'] } });
    expect(file.usesValues).toBe(true);
  });

  it('keeps the digest of the text as written, and says when a file uses no values', () => {
    const text = manifest('  image: app:1\n');
    const file = parse(text, { TAG: '1' });
    expect(file.digest).toBe(textDigest(text));
    expect(file.usesValues).toBe(false);
    const withValues = manifest(base);
    expect(parse(withValues, { TAG: '1' }).digest).toBe(textDigest(withValues));
  });

  it('points a schema error in a value at its ${, naming the variable instead of the value', () => {
    const file = parse(manifest(`${base}  replicas: \${REPLICAS}\n`), { TAG: '1', REPLICAS: 'two' });
    expect(file.problems).toMatchObject([{ line: 6, column: 13, field: 'spec.replicas', code: 'schema', key: 'geo/app' }]);
    expect(file.problems[0]?.message).toContain('${REPLICAS}');
    expect(file.problems[0]?.message).not.toContain('two');
  });

  it('points a schema error after a value at the right column of the text as written', () => {
    const text = manifest(`${base}  ports: [{ published: \${PORT}, target: -1 }]\n`);
    const file = parse(text, { TAG: '1', PORT: '8081' });
    const line = text.split('\n')[5] ?? '';
    expect(file.problems).toMatchObject([{ line: 6, column: line.indexOf('-1') + 1, field: 'spec.ports[0].target' }]);
  });

  it('reports an unset variable at file:line:col with its name, yields no manifest, and holds the service by key', () => {
    const file = parse(manifest(`  image: app:1\n  replicas: \${REPLICAS}\n  user: \${NOBODY}\n`));
    expect(file.candidates).toEqual([]);
    expect(file.problems).toEqual([
      expect.objectContaining({ file: 'm.yaml', line: 6, column: 13, code: 'unset-variable', key: 'geo/app', field: '' }),
      expect.objectContaining({ line: 7, column: 9, code: 'unset-variable', key: 'geo/app' }),
    ]);
    expect(file.problems[0]?.message).toMatch(/REPLICAS is not set/);
  });

  it('leaves the other documents of the file alone', () => {
    const text = `${manifest('  image: app:${NOPE}\n', '{ name: a }')}---\n${manifest('  image: app:${TAG}\n', '{ name: b }')}`;
    const set = combineParsedFiles([parse(text, { TAG: '1' })]);
    expect(set.manifests.map((m) => m.key)).toEqual(['default/b']);
    expect(set.problems).toMatchObject([{ line: 5, code: 'unset-variable', key: 'default/a' }]);
  });

  it('names no GeoService when the unset variable is in its metadata (the file is held instead)', () => {
    const file = parse(manifest('  image: app:1\n', '{ name: "${NAME}" }'));
    expect(file.problems).toHaveLength(1);
    expect(file.problems[0]).toMatchObject({ line: 3, column: 20, code: 'unset-variable' });
    expect(file.problems[0]?.key).toBeUndefined();
    // Unnamed: the file's services are held, and nothing is pruned while it lasts.
    const state = desiredStateOf(combineParsedFiles([file]), '.', 'r1');
    expect([...state.unidentifiedFiles]).toEqual(['m.yaml']);
  });

  it('ignores the references of documents Kargo does not own (a compose file)', () => {
    const file = parse('services:\n  web:\n    image: nginx:${NGINX_TAG}\n');
    expect(file.problems).toEqual([]);
    expect(file.ignored).toHaveLength(1);
  });

  it.each([
    ['an invalid reference', '  image: app:${1TAG}\n', {}, 'invalid-variable-reference'],
    ['a value with a line break', base, { TAG: 'a\nb' }, 'multiline-value'],
    ['a value that adds a key to a flow mapping', `${base}  env: { A: \${A} }\n`, { TAG: '1', A: 'x, B: injected' }, 'value-changes-structure'],
    ['a value that comments the rest out', base, { TAG: '1 # rest' }, 'value-changes-structure'],
    ['a value that is a list', `${base}  args: \${ARGS}\n`, { TAG: '1', ARGS: '[a, b]' }, 'value-changes-structure'],
    ['a value that is an alias', `${base}  user: \${U}\n`, { TAG: '1', U: '*anchor' }, 'value-changes-structure'],
    ['a value that closes its quotes', `${base}  user: "\${U}"\n`, { TAG: '1', U: 'a", "b' }, 'value-changes-structure'],
  ])('rejects %s', (_name, spec, values: Record<string, string>, code) => {
    const file = parse(manifest(spec), values);
    expect(file.candidates).toEqual([]);
    expect(file.problems.map((problem) => problem.code)).toEqual([code]);
    expect(file.problems[0]?.key).toBe('geo/app');
  });

  it.each([
    ['in a comment', `${base}  # was \${OLD}\n`, { TAG: '1', OLD: 'a: b # c' }],
    ['quoted, with YAML syntax inside', `${base}  user: "\${U}"\n`, { TAG: '1', U: 'a: b, c # d' }],
    ['a tag-like default in a quoted string', '  image: "app:${TAG:-latest}"\n', {}],
    ['unset, in a comment', `${base}  # image: app:\${OLD_TAG}, or \${ unterminated\n`, { TAG: '1' }],
  ])('accepts a value %s', (_name, spec, values: Record<string, string>) => {
    const file = parse(manifest(spec), values);
    expect(file.problems).toEqual([]);
    expect(file.candidates).toHaveLength(1);
  });
});
