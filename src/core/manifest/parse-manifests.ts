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
import { contentRevision as contentRevisionOf, textDigest } from '../source-revision.js';

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

/**
 * A schema-valid GeoService, with where the fields that the rules between manifests point at
 * are written (found while the file's YAML document is at hand, so it need not be kept).
 */
interface Candidate extends LoadedManifest {
  /** By formatted field path: `metadata.name` and each `spec.ports[i].published`. */
  readonly fieldLocations: ReadonlyMap<string, SourceLocation>;
}

/**
 * One file's documents, parsed and checked on their own: everything but the rules between
 * manifests. Depends only on the file's path and text, so a reader may keep it while the file
 * stays the same.
 */
export interface ParsedFile {
  readonly path: string;
  /** sha256 of the text, empty when the file could not be read. */
  readonly digest: string;
  readonly candidates: readonly Candidate[];
  readonly problems: readonly ManifestProblem[];
  readonly ignored: readonly IgnoredDocument[];
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
  return combineParsedFiles(files.map((file) => parseManifestFile(file, validate, limits)));
}

/** Parses and checks one file's documents (see ParsedFile). */
export function parseManifestFile(file: ManifestFile, validate: SchemaValidator, limits: ParseLimits = defaultParseLimits): ParsedFile {
  const problems: ManifestProblem[] = [];
  const ignored: IgnoredDocument[] = [];
  let candidates: Candidate[] = [];
  if ('tooLarge' in file) {
    problems.push(fileProblem(file.path, ManifestProblemCode.FileTooLarge, `file is ${file.sizeBytes} bytes; the limit is ${limits.maxFileBytes}`));
  } else if ('unreadable' in file) {
    problems.push(fileProblem(file.path, ManifestProblemCode.FileUnreadable, `cannot read file: ${file.unreadable}`));
  } else if (file.text.length > limits.maxFileBytes) {
    problems.push(fileProblem(file.path, ManifestProblemCode.FileTooLarge, `file is ${file.text.length} bytes; the limit is ${limits.maxFileBytes}`));
  } else {
    candidates = parseFile(file.path, file.text, validate, limits, problems, ignored);
  }
  return { path: file.path, digest: 'text' in file ? textDigest(file.text) : '', candidates, problems, ignored };
}

/** The manifest set of some parsed files: applies the rules between manifests. */
export function combineParsedFiles(files: readonly ParsedFile[]): ManifestSet {
  const candidates = files.flatMap((file) => file.candidates);
  const problems = files.flatMap((file) => file.problems);
  const rejected = checkAcrossManifests(candidates, problems);
  const manifests = candidates.filter((candidate) => !rejected.has(candidate)).map(({ key, resource, source }) => ({ key, resource, source }));
  problems.sort(byLocation);
  return {
    manifests,
    problems,
    ignored: files.flatMap((file) => file.ignored),
    files: files.map((file) => file.path),
    contentRevision: contentRevisionOf(files),
  };
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
    candidates.push({ key: resourceKey, resource, source: locate([]), fieldLocations: crossCheckLocations(resource, locate) });
  }
  return candidates;
}

/** Where the fields that checkAcrossManifests may point at are written. */
function crossCheckLocations(resource: LoadedManifest['resource'], locate: (path: FieldPath) => SourceLocation): Map<string, SourceLocation> {
  const paths: FieldPath[] = [['metadata', 'name'], ...publishedPorts(resource.spec).map(({ index }) => ['spec', 'ports', index, 'published'])];
  return new Map(paths.map((path) => [formatFieldPath(path), locate(path)]));
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
function checkAcrossManifests(candidates: readonly Candidate[], problems: ManifestProblem[]): Set<Candidate> {
  const locate = (candidate: Candidate, field: string): SourceLocation => candidate.fieldLocations.get(field) ?? candidate.source;
  const rejected = new Set<Candidate>();
  const byKey = groupBy(candidates, (candidate) => candidate.key);
  for (const [key, group] of byKey) {
    if (group.length < 2) continue;
    for (const candidate of group) {
      const others = group.filter((other) => other !== candidate).map((other) => where(other.source));
      problems.push({ ...locate(candidate, 'metadata.name'), code: ManifestProblemCode.DuplicateName, field: 'metadata.name', key, message: `GeoService ${key} is also defined at ${others.join(', ')}` });
      rejected.add(candidate);
    }
  }
  const uses = candidates.flatMap((candidate) => publishedPorts(candidate.resource.spec).map((port) => ({ candidate, ...port })));
  for (const [port, group] of groupBy(uses, (use) => use.id)) {
    if (new Set(group.map((use) => use.candidate)).size < 2 || group.every((use) => use.host)) continue;
    for (const use of group) {
      const others = group.filter((other) => other.candidate !== use.candidate).map((other) => `${other.candidate.key} (${where(locate(other.candidate, publishedField(other.index)))})`);
      const field = publishedField(use.index);
      problems.push({ ...locate(use.candidate, field), code: ManifestProblemCode.PortConflict, field, key: use.candidate.key, message: `port ${port} is also published by ${others.join(', ')}` });
      rejected.add(use.candidate);
    }
  }
  return rejected;
}

function publishedField(portIndex: number): string {
  return formatFieldPath(['spec', 'ports', portIndex, 'published']);
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
