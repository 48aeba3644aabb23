import { Ajv } from 'ajv';
import { LineCounter, parseAllDocuments } from 'yaml';
import { formatFieldPath, type FieldPath } from '../manifest/field-path.js';
import { schemaValidatorOf, type SchemaValidator } from '../manifest/schema-validator.js';
import { locateField } from '../manifest/yaml-locations.js';
import type { Policy, PortRange, RulesOverride } from './policy.js';

export const policyApiVersion = 'kargo.io/v1alpha1';
export const policyKind = 'Policy';

/** Something wrong in the policy file, at a line. */
export interface PolicyFileProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
  /** e.g. `namespaces.geo.binds.allowedPrefixes[0]`; empty for the whole file. */
  readonly field: string;
}

const globs = { type: 'array', items: { type: 'string', minLength: 1 } };
const paths = { type: 'array', items: { type: 'string', pattern: '^/' } };
const flag = { type: 'boolean' };
const group = (properties: Record<string, object>): object => ({ type: 'object', additionalProperties: false, properties });

const rulesSchema = group({
  images: group({ allowed: globs, requireDigest: flag }),
  binds: group({ deniedPaths: paths, allowedPrefixes: paths, readOnly: flag }),
  runAsRoot: { enum: [true, false, 'imageDefault'] },
  networks: group({ host: flag, external: globs, drivers: globs }),
  ports: group({
    published: { type: 'array', items: { type: ['integer', 'string'], pattern: portRangePattern(), minimum: 1, maximum: 65535 } },
    hostMode: flag,
  }),
  placement: group({ managers: flag }),
  adopt: globs,
  externalSecrets: globs,
});

/** The JSON schema of a policy file (README, "### Policy"). */
export const policySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind'],
  properties: {
    apiVersion: { enum: [policyApiVersion] },
    kind: { enum: [policyKind] },
    allowedNamespaces: globs,
    defaults: rulesSchema,
    namespaces: { type: 'object', additionalProperties: rulesSchema },
  },
};

function portRangePattern(): string {
  return '^[0-9]+(-[0-9]+)?$';
}

let validator: SchemaValidator | undefined;

/** Compiled on first use: only a Kargo given a policy file pays for it. */
function validatePolicy(document: unknown): ReturnType<SchemaValidator> {
  validator ??= schemaValidatorOf(new Ajv({ allErrors: true, strict: false, verbose: true }).compile(policySchema));
  return validator(document);
}

/**
 * Reads a policy file's text: the policy, or every problem with its line. Pure; the file's
 * path is only named in the policy's origin.
 */
export function parsePolicy(text: string, path: string): { readonly policy: Policy } | { readonly problems: readonly PolicyFileProblem[] } {
  const lines = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const [document, second] = Array.isArray(documents) ? documents : [];
  if (document === undefined) return { problems: [{ line: 1, column: 1, message: `the policy file is empty (it needs apiVersion: ${policyApiVersion} and kind: ${policyKind})`, field: '' }] };
  const at = (fieldPath: FieldPath, message: string, atKey = false): PolicyFileProblem => ({ ...locateField(document, fieldPath, atKey, lines), message, field: formatFieldPath(fieldPath) });
  if (document.errors.length > 0) {
    return { problems: document.errors.map((error) => ({ ...position(lines, error.pos[0]), message: error.message.split('\n')[0] ?? error.message, field: '' })) };
  }
  if (second !== undefined) return { problems: [{ ...position(lines, second.range[0]), message: 'a policy file holds one document', field: '' }] };
  const value: unknown = document.toJS({ maxAliasCount: 100 });
  const issues = validatePolicy(value);
  if (issues.length > 0) return { problems: issues.map((issue) => at(issue.path, issue.message, issue.atKey)).sort((a, b) => a.line - b.line || a.column - b.column) };
  const file = value as PolicyDocument;
  const rangeProblems = [
    ...portProblems(file.defaults, ['defaults']),
    ...Object.entries(file.namespaces ?? {}).flatMap(([namespace, rules]) => portProblems(rules, ['namespaces', namespace])),
  ].map(([fieldPath, message]) => at(fieldPath, message));
  if (rangeProblems.length > 0) return { problems: rangeProblems };
  return {
    policy: {
      origin: `policy ${path}`,
      defaults: rulesOf(file.defaults),
      namespaces: new Map(Object.entries(file.namespaces ?? {}).map(([namespace, rules]) => [namespace, rulesOf(rules)])),
      ...(file.allowedNamespaces === undefined ? {} : { allowedNamespaces: file.allowedNamespaces }),
    },
  };
}

/** A schema-valid policy file. */
interface PolicyDocument {
  readonly allowedNamespaces?: string[];
  readonly defaults?: RulesDocument;
  readonly namespaces?: Record<string, RulesDocument>;
}

type RulesDocument = Omit<RulesOverride, 'ports'> & { readonly ports?: { readonly published?: (number | string)[]; readonly hostMode?: boolean } };

function rulesOf(rules: RulesDocument | undefined): RulesOverride {
  if (rules === undefined) return {};
  const { ports, ...rest } = rules;
  if (ports === undefined) return rest;
  const { published, ...other } = ports;
  return { ...rest, ports: { ...other, ...(published === undefined ? {} : { published: published.map(portRange) }) } };
}

function portRange(entry: number | string): PortRange {
  const [from = 0, to = from] = String(entry).split('-').map(Number);
  return { from, to };
}

function portProblems(rules: RulesDocument | undefined, prefix: FieldPath): [FieldPath, string][] {
  return (rules?.ports?.published ?? []).flatMap((entry, index): [FieldPath, string][] => {
    const { from, to } = portRange(entry);
    const fieldPath = [...prefix, 'ports', 'published', index];
    if (from < 1 || to > 65535) return [[fieldPath, `ports are 1 to 65535, not ${String(entry)}`]];
    return from > to ? [[fieldPath, `the range ${String(entry)} ends before it starts`]] : [];
  });
}

function position(lines: LineCounter, offset: number): { line: number; column: number } {
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}
