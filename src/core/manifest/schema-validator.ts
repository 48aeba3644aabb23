import type { ErrorObject } from 'ajv';
import type { FieldPath } from './field-path.js';

/** One way a document breaks the schema, at `path`. `atKey` when the key itself is at fault (unknown field). */
export interface SchemaIssue {
  readonly path: FieldPath;
  readonly message: string;
  readonly atKey: boolean;
}

/** Checks one parsed document against the schema. */
export type SchemaValidator = (document: unknown) => SchemaIssue[];

/** What a metadata name looks like, in words, for the pattern that checks it. */
const patternMeanings: Record<string, string> = {
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$': "must be lower-case letters, digits and '-', starting and ending with a letter or digit",
  '^/': 'must be an absolute path (start with /)',
  '^[^\\s]+$': 'must not contain spaces',
  '^[^=]+$': "must not contain '='",
  '^[0-9]+$': 'must be a numeric id in quotes, e.g. "1000"',
  '^([a-z0-9]([-a-z0-9]*[a-z0-9])?/)?[a-z0-9]([-a-z0-9]*[a-z0-9])?$': 'must be the name of a GeoService, or namespace/name',
  '^0?[0-7]{3}$': 'must be an octal mode in quotes, e.g. "0440"',
  '^(/.*|[^/]+)$': 'must be a file name (under /run/secrets/) or an absolute path',
  '^\\s*[A-Za-z0-9_.\\-]+\\s*(==|!=)\\s*\\S.*$': 'must be a constraint such as node.labels.zone == east or node.role != manager',
  '^[0-9]+(-[0-9]+)?$': 'must be a port or a range of ports such as 8000-8099',
  '^[0-9]+(\\.[0-9]+){1,2}$': 'must be a version such as 1.3.0',
  '^[A-Za-z0-9_.:-]+$': "must be a layer name of letters, digits and '_', '.', ':', '-'",
  '^https?://': 'must be an http:// or https:// URL',
  '^SIG[A-Z0-9]+$': 'must be a signal name such as SIGINT or SIGTERM',
};

/** ajv's validation function, as the precompiled code exports it: true, or false with `errors` set. */
export interface SchemaCheck {
  (document: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** Turns ajv's errors into issues in the words of YAML users (see schema-compiler.ts for the ajv settings they need). */
export function schemaValidatorOf(check: SchemaCheck): SchemaValidator {
  return (document) => (check(document) ? [] : describeErrors(resolveAlternatives(check.errors ?? []), document));
}

/**
 * ajv reports every branch of a oneOf that failed; users want the branch they meant. Keep the
 * errors of the first branch whose type matches the value, or else one error naming the types.
 */
function resolveAlternatives(errors: ErrorObject[]): ErrorObject[] {
  const alternatives = errors
    .filter((error) => error.keyword === 'oneOf')
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length)[0];
  if (alternatives === undefined) return errors;
  const prefix = `${alternatives.schemaPath}/`;
  const inBranch = (error: ErrorObject): boolean => error.schemaPath.startsWith(prefix);
  const outside = errors.filter((error) => error !== alternatives && !inBranch(error));
  const fields = fieldAlternatives(alternatives);
  if (fields !== undefined) {
    // Neither `file` nor `content`, or both: one message naming the choice, not each branch's.
    const many = Array.isArray(alternatives.params['passingSchemas']);
    return resolveAlternatives([...outside, { ...alternatives, keyword: 'fieldAlternatives', message: `${many ? 'set only one' : 'set one'} of ${fields}` }]);
  }
  const branches = new Map<string, ErrorObject[]>();
  for (const error of errors.filter(inBranch)) {
    const branch = error.schemaPath.slice(prefix.length).split('/')[0] ?? '';
    branches.set(branch, [...(branches.get(branch) ?? []), error]);
  }
  const typeMismatch = (error: ErrorObject): boolean =>
    error.keyword === 'type' && error.instancePath === alternatives.instancePath;
  const chosen = [...branches.values()].find((branchErrors) => !branchErrors.some(typeMismatch));
  if (chosen !== undefined) return resolveAlternatives([...outside, ...chosen]);
  const types = [...branches.values()].flatMap((branchErrors) => branchErrors.filter(typeMismatch).map(schemaType));
  const summary: ErrorObject = { ...alternatives, keyword: 'type', params: { type: [...new Set(types)].join(' or ') } };
  return resolveAlternatives([...outside, summary]);
}

/** `file, content` for a oneOf whose branches only list required fields (see the CRD's configs), else undefined. */
function fieldAlternatives(error: ErrorObject): string | undefined {
  const branches = error.schema as { type?: unknown; required?: string[] }[] | undefined;
  if (!Array.isArray(branches) || branches.some((branch) => branch.type !== undefined || branch.required === undefined)) return undefined;
  return branches.map((branch) => (branch.required ?? []).join(' and ')).join(', ');
}

function schemaType(error: ErrorObject): string {
  const type: unknown = error.params['type'];
  return typeof type === 'string' ? type : 'value';
}

function describeErrors(errors: ErrorObject[], document: unknown): SchemaIssue[] {
  const seen = new Set<string>();
  const issues: SchemaIssue[] = [];
  // An empty string breaks its pattern too; "must not be empty" says all there is to say.
  const empty = new Set(errors.filter((error) => error.keyword === 'minLength').map((error) => error.instancePath));
  for (const error of errors) {
    if (error.keyword === 'pattern' && empty.has(error.instancePath)) continue;
    const issue = describeError(error, document);
    const id = `${issue.path.join('/')}:${issue.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    issues.push(issue);
  }
  return issues;
}

function describeError(error: ErrorObject, document: unknown): SchemaIssue {
  const path = toFieldPath(error.instancePath, document);
  const param = (name: string): string => String(error.params[name]);
  switch (error.keyword) {
    case 'required':
      return { path: [...path, param('missingProperty')], message: `missing required field "${param('missingProperty')}"`, atKey: false };
    case 'additionalProperties': {
      const field = param('additionalProperty');
      return { path: [...path, field], message: `unknown field "${field}"${suggestion(field, error)}`, atKey: true };
    }
    case 'type':
      return { path, message: `must be ${article(param('type'))}, not ${describeValue(error.data)}`, atKey: false };
    case 'enum': {
      const allowed = (error.params['allowedValues'] as unknown[]).map((value) => JSON.stringify(value)).join(', ');
      return { path, message: `must be one of ${allowed}, not ${describeValue(error.data)}`, atKey: false };
    }
    case 'pattern':
      return { path, message: `${patternMeanings[param('pattern')] ?? `must match ${param('pattern')}`}, not ${describeValue(error.data)}`, atKey: false };
    case 'x-kargo-format':
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, message: `${error.message ?? 'is not valid'}, not ${describeValue(error.data)}`, atKey: false };
    case 'minLength':
      return { path, message: param('limit') === '1' ? 'must not be empty' : `must be at least ${param('limit')} characters long`, atKey: false };
    case 'maxLength':
      return { path, message: `must be at most ${param('limit')} characters long; it has ${String(error.data).length}`, atKey: false };
    case 'minItems':
      return { path, message: param('limit') === '1' ? 'must not be an empty list' : `must have at least ${param('limit')} items`, atKey: false };
    default:
      return { path, message: error.message ?? `fails ${error.keyword}`, atKey: false };
  }
}

/** Turns ajv's JSON pointer into keys and array indexes, looking at the data to tell them apart. */
function toFieldPath(pointer: string, document: unknown): FieldPath {
  const path: (string | number)[] = [];
  let node: unknown = document;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(node)) {
      const index = Number(key);
      path.push(index);
      node = node[index];
    } else {
      path.push(key);
      node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return path;
}

function suggestion(field: string, error: ErrorObject): string {
  const parent = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
  const known = Object.keys(parent?.properties ?? {});
  const best = known
    .map((name) => ({ name, distance: editDistance(field.toLowerCase(), name.toLowerCase()) }))
    .filter((candidate) => candidate.distance <= Math.max(1, Math.floor(candidate.name.length / 4)))
    .sort((a, b) => a.distance - b.distance)[0];
  return best === undefined ? '' : ` (did you mean "${best.name}"?)`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

const typeWords: Record<string, string> = { object: 'map', array: 'list' };

/** 'a string', 'an integer', 'a map or a list': JSON Schema types in the words of YAML users. */
function article(types: string): string {
  return types
    .split(/,| or /)
    .map((type) => typeWords[type.trim()] ?? type.trim())
    .map((type) => `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`)
    .join(', ')
    .replace(/, ([^,]*)$/, ' or $1');
}

/** A short description of a value for messages: its JSON when short, else its type. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  const json = JSON.stringify(value);
  return json.length <= 40 ? json : `a ${typeof value}`;
}
