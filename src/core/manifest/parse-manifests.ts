import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import { formatFieldPath, type FieldPath } from './field-path.js';
import type { GeoService } from './geoservice.generated.js';
import {
  defaultNamespace,
  keyOf,
  ManifestProblemCode,
  type IgnoredDocument,
  type LoadedManifest,
  type ManifestFile,
  type ManifestProblem,
  type ManifestSet,
  type SourceLocation,
} from './manifest-set.js';
import { describeValue, type SchemaValidator } from './schema-validator.js';
import { checkGeoService, publishedPorts } from './semantic-rules.js';
import { locateField } from './yaml-locations.js';
import { contentRevision as contentRevisionOf } from '../source-revision.js';

export const geoServiceApiVersion = 'kargo.io/v1alpha1';
export const geoServiceKind = 'GeoService';

/** Caps that keep a hostile or mistaken file from exhausting memory. */
export interface ParseLimits {
  /** Files larger than this are refused (the reader does not even read them). */
  readonly maxFileBytes: number;
  /** Alias expansions per document: a "billion laughs" document stops here. */
  readonly maxAliasCount: number;
}

export const defaultParseLimits: ParseLimits = { maxFileBytes: 1024 * 1024, maxAliasCount: 100 };

/** A schema-valid GeoService, with what is needed to point at its fields. */
interface Candidate {
  readonly key: string;
  readonly resource: LoadedManifest['resource'];
  readonly source: SourceLocation;
  readonly locate: (path: FieldPath, atKey?: boolean) => SourceLocation;
}

/**
 * Parses and validates manifest files. Pure: the files come in as text. Returns every valid
 * manifest and every problem; a broken document never hides another one.
 */
export function parseManifests(
  files: readonly ManifestFile[],
  validate: SchemaValidator,
  limits: ParseLimits = defaultParseLimits,
): ManifestSet {
  const problems: ManifestProblem[] = [];
  const ignored: IgnoredDocument[] = [];
  const candidates: Candidate[] = [];
  for (const file of files) {
    if ('tooLarge' in file) {
      problems.push(fileProblem(file.path, ManifestProblemCode.FileTooLarge, `file is ${file.sizeBytes} bytes; the limit is ${limits.maxFileBytes}`));
    } else if ('unreadable' in file) {
      problems.push(fileProblem(file.path, ManifestProblemCode.FileUnreadable, `cannot read file: ${file.unreadable}`));
    } else if (file.text.length > limits.maxFileBytes) {
      problems.push(fileProblem(file.path, ManifestProblemCode.FileTooLarge, `file is ${file.text.length} bytes; the limit is ${limits.maxFileBytes}`));
    } else {
      candidates.push(...parseFile(file.path, file.text, validate, limits, problems, ignored));
    }
  }
  const rejected = checkAcrossManifests(candidates, problems);
  const manifests = candidates
    .filter((candidate) => !rejected.has(candidate))
    .map(({ key, resource, source }) => ({ key, resource, source }));
  problems.sort(byLocation);
  const contentRevision = contentRevisionOf(files.map((file) => ({ path: file.path, ...('text' in file ? { text: file.text } : {}) })));
  return { manifests, problems, ignored, files: files.map((file) => file.path), contentRevision };
}

function fileProblem(file: string, code: ManifestProblemCode, message: string): ManifestProblem {
  return { file, line: 1, column: 1, code, message, field: '' };
}

function parseFile(
  file: string,
  text: string,
  validate: SchemaValidator,
  limits: ParseLimits,
  problems: ManifestProblem[],
  ignored: IgnoredDocument[],
): Candidate[] {
  const lines = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (!Array.isArray(documents)) return []; // an empty stream
  const candidates: Candidate[] = [];
  for (const document of documents) {
    const locate = (path: FieldPath, atKey = false): SourceLocation => ({ file, ...locateField(document, path, atKey, lines) });
    const at = (path: FieldPath, code: ManifestProblemCode, message: string, key?: string, atKey = false): ManifestProblem => ({
      ...locate(path, atKey),
      code,
      message,
      field: formatFieldPath(path),
      ...(key === undefined ? {} : { key }),
    });
    const syntaxErrors = document.errors;
    if (syntaxErrors.length > 0) {
      for (const error of syntaxErrors) {
        // `linePos` is only filled in with prettyErrors, which also rewrites the message: take the offset.
        const position = lines.linePos(error.pos[0]);
        problems.push({ file, line: position.line, column: position.col, code: ManifestProblemCode.YamlSyntax, message: firstLine(error.message), field: '' });
      }
      continue;
    }
    const value = toPlainValue(document, limits);
    if (value instanceof Error) {
      problems.push(at([], ManifestProblemCode.YamlAliases, value.message));
      continue;
    }
    if (value === null || value === undefined) continue; // an empty document, e.g. a trailing ---
    if (typeof value !== 'object' || Array.isArray(value)) {
      problems.push(at([], ManifestProblemCode.NotAMapping, 'a manifest must be a mapping with apiVersion, kind, metadata and spec'));
      continue;
    }
    const record = value as Record<string, unknown>;
    const apiVersion = typeof record['apiVersion'] === 'string' ? record['apiVersion'] : '';
    const kind = typeof record['kind'] === 'string' ? record['kind'] : '';
    if (kind !== geoServiceKind && apiVersion.startsWith('kargo.io/')) {
      // Kargo's own group has one kind: anything else there is a GeoService with a typo, not someone else's document.
      const message = record['kind'] === undefined ? `missing required field "kind" (use ${geoServiceKind})` : `must be ${geoServiceKind}, not ${describeValue(record['kind'])}`;
      problems.push(at(['kind'], ManifestProblemCode.Schema, message, readKey(record)));
      continue;
    }
    if (kind !== geoServiceKind || !(apiVersion === '' || apiVersion.startsWith('kargo.io/'))) {
      ignored.push({ ...locate([]), apiVersion, kind });
      continue;
    }
    const key = readKey(record);
    if (apiVersion !== geoServiceApiVersion) {
      const message = apiVersion === '' ? `missing required field "apiVersion" (use ${geoServiceApiVersion})` : `apiVersion ${apiVersion} is not supported; use ${geoServiceApiVersion}`;
      problems.push(at(['apiVersion'], ManifestProblemCode.UnsupportedApiVersion, message, key));
      continue;
    }
    const schemaIssues = validate(record);
    if (schemaIssues.length > 0) {
      problems.push(...schemaIssues.map((issue) => at(issue.path, ManifestProblemCode.Schema, issue.message, key, issue.atKey)));
      continue;
    }
    const resource = withNamespace(record as unknown as GeoService);
    const semanticIssues = checkGeoService(resource, resource.metadata.namespace);
    const resourceKey = keyOf(resource.metadata.namespace, resource.metadata.name);
    if (semanticIssues.length > 0) {
      problems.push(...semanticIssues.map((issue) => at(issue.path, issue.code, issue.message, resourceKey)));
      continue;
    }
    candidates.push({ key: resourceKey, resource, source: locate([]), locate });
  }
  return candidates;
}

function toPlainValue(document: Document, limits: ParseLimits): unknown {
  try {
    return document.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (error) {
    return new Error(`too many YAML alias expansions (more than ${limits.maxAliasCount}); refusing the document (${error instanceof Error ? error.message : String(error)})`);
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

/** `namespace/name` of a document that may be invalid, when both are readable strings. */
function readKey(record: Record<string, unknown>): string | undefined {
  const metadata = record['metadata'];
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const { name, namespace } = metadata as Record<string, unknown>;
  if (typeof name !== 'string') return undefined;
  return keyOf(typeof namespace === 'string' ? namespace : defaultNamespace, name);
}

function withNamespace(resource: GeoService): LoadedManifest['resource'] {
  return { ...resource, metadata: { ...resource.metadata, namespace: resource.metadata.namespace ?? defaultNamespace } };
}

/**
 * Rules between manifests: one GeoService per key, and no published port used twice (an
 * ingress port is published on every node, so it clashes with any other use of that port).
 * Returns the candidates that broke one; every party to a clash is rejected, each told where the other is.
 */
function checkAcrossManifests(candidates: Candidate[], problems: ManifestProblem[]): Set<Candidate> {
  const rejected = new Set<Candidate>();
  const byKey = groupBy(candidates, (candidate) => candidate.key);
  for (const [key, group] of byKey) {
    if (group.length < 2) continue;
    for (const candidate of group) {
      const others = group.filter((other) => other !== candidate).map((other) => where(other.source));
      problems.push({ ...candidate.locate(['metadata', 'name']), code: ManifestProblemCode.DuplicateName, field: 'metadata.name', key, message: `GeoService ${key} is also defined at ${others.join(', ')}` });
      rejected.add(candidate);
    }
  }
  const uses = candidates.flatMap((candidate) => publishedPorts(candidate.resource.spec).map((port) => ({ candidate, ...port })));
  for (const [port, group] of groupBy(uses, (use) => use.id)) {
    if (new Set(group.map((use) => use.candidate)).size < 2 || group.every((use) => use.host)) continue;
    for (const use of group) {
      const others = group.filter((other) => other.candidate !== use.candidate).map((other) => `${other.candidate.key} (${where(other.candidate.locate(['spec', 'ports', other.index, 'published']))})`);
      const path = ['spec', 'ports', use.index, 'published'];
      problems.push({ ...use.candidate.locate(path), code: ManifestProblemCode.PortConflict, field: formatFieldPath(path), key: use.candidate.key, message: `port ${port} is also published by ${others.join(', ')}` });
      rejected.add(use.candidate);
    }
  }
  return rejected;
}

function byLocation(a: SourceLocation, b: SourceLocation): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;
}

function where(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

function groupBy<T>(items: readonly T[], keyOfItem: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(keyOfItem(item), [...(groups.get(keyOfItem(item)) ?? []), item]);
  return groups;
}
