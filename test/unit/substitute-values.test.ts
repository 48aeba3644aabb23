/** `${NAME}`, `${NAME:-default}` and `$${` in manifest text, and positions mapped back. */
import { describe, expect, it } from 'vitest';
import { originalPosition, substituteValues } from '../../src/core/manifest/substitute-values.js';

const values = new Map([
  ['TAG', '1.2.3'],
  ['REPLICAS', '2'],
  ['EMPTY', ''],
  ['LONG', 'a-much-longer-value'],
  ['LINES', 'first\nsecond'],
]);

describe('substituteValues', () => {
  it.each([
    ['a value', 'image: app:${TAG}', 'image: app:1.2.3'],
    ['two on one line', '${TAG}-${REPLICAS}', '1.2.3-2'],
    ['a default for an unset variable', 'replicas: ${MISSING:-1}', 'replicas: 1'],
    ['a default for an empty value (like the shell)', 'x: ${EMPTY:-fallback}', 'x: fallback'],
    ['a set value over its default', 'replicas: ${REPLICAS:-1}', 'replicas: 2'],
    ['an empty default', 'x: ${MISSING:-}', 'x: '],
    ['a default with spaces and colons', 'c: ${MISSING:-node.role == manager}', 'c: node.role == manager'],
    ['an empty value without default', 'x: ${EMPTY}', 'x: '],
    ['the escape $${', 'cmd: echo $${HOME}', 'cmd: echo ${HOME}'],
    ['the escape before a default form', 'u: "$${POSTGRES_USER:-postgres}"', 'u: "${POSTGRES_USER:-postgres}"'],
    ['$NAME without braces, left alone', 'cmd: echo $HOME $$', 'cmd: echo $HOME $$'],
    ['a lone $', 'price: 5$', 'price: 5$'],
    ['several lines', 'a: ${TAG}\nb: ${REPLICAS}\n', 'a: 1.2.3\nb: 2\n'],
  ])('%s', (_name, text, expected) => {
    const result = substituteValues(text, values);
    expect(result.issues).toEqual([]);
    expect(result.text).toBe(expected);
  });

  it('leaves a text without references unchanged, with no span', () => {
    const text = 'apiVersion: kargo.io/v1alpha1\nkind: GeoService\n';
    expect(substituteValues(text, values)).toEqual({ text, spans: [], issues: [] });
  });

  it.each([
    ['an unset variable', 'a: b\nimage: app:${NOPE}', 'unset', 'NOPE', 2, 12, /variable NOPE is not set/],
    ['an unterminated reference', 'x: ${TAG', 'invalid', 'TAG', 1, 4, /without a closing/],
    ['a name that is not one', 'x: ${not a name}', 'invalid', 'not a name', 1, 4, /is not a variable reference/],
    ['the := form', 'x: ${TAG:=1}', 'invalid', 'TAG:=1', 1, 4, /is not a variable reference/],
    ['a nested reference', 'x: ${A:-${TAG}}', 'invalid', 'A:-${TAG', 1, 4, /no nesting/],
    ['a value with a line break', 'x: y\n  z: ${LINES}', 'multiline', 'LINES', 2, 6, /spans several lines/],
  ])('reports %s at its ${', (_name, text, kind, name, line, column, message) => {
    const result = substituteValues(text, values);
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]).toMatchObject({ kind, name, line, column });
    expect(result.issues[0]?.message).toMatch(message);
    expect(result.text.split('\n')).toHaveLength(text.split('\n').length);
  });

  it('names variables, never values, in its messages', () => {
    const result = substituteValues('a: ${LINES}\nb: ${NOPE}', values);
    expect(result.issues.map((issue) => issue.message).join(' ')).not.toMatch(/first|second/);
  });
});

describe('originalPosition', () => {
  const text = 'a: ${LONG} b: ${TAG} c: end';
  const { text: out, spans } = substituteValues(text, values);
  const column = (part: string, within: string): number => within.indexOf(part) + 1;

  it.each([
    ['before any reference', 'a:'],
    ['between references', 'b:'],
    ['after every reference', 'end'],
  ])('maps text %s to where it was', (_name, part) => {
    expect(originalPosition(spans, 1, column(part, out))).toEqual({ line: 1, column: column(part, text) });
  });

  it('maps a position inside a value to its ${', () => {
    expect(originalPosition(spans, 1, column('much', out))).toEqual({ line: 1, column: column('${LONG}', text) });
    expect(originalPosition(spans, 1, column('1.2.3', out) + 2)).toEqual({ line: 1, column: column('${TAG}', text) });
  });

  it('leaves other lines alone', () => {
    expect(originalPosition(spans, 2, 17)).toEqual({ line: 2, column: 17 });
  });
});
