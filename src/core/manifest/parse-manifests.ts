import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import { formatFieldPath, type FieldPath } from './field-path.js';
import { formatKey, isObjectKind, objectKinds } from '../object-key.js';
import { checkAcrossManifests, type Candidate, type NetworkCandidate } from './across-manifests.js';
import {
  defaultNamespace,
  ManifestProblemCode,
  type IgnoredDocument,
  type ManifestFile,
  type ManifestProblem,
  type ManifestSet,
  type ReadReferences,
  type SourceLocation,
} from './manifest-set.js';
import type { ManifestValidators } from './manifest-validators.js';
import { describeValue } from './schema-validator.js';
import { publishedPorts, type SemanticIssue } from './semantic-rules.js';
import { checkResource } from './resource-checks.js';
import type { FileContent } from './file-references.js';
import { locateField } from './yaml-locations.js';
import { fileReferencesOf } from './file-references.js';
import { baselineContext, type PolicyContext } from '../policy/policy.js';
import { checkYamlShape, type YamlShapeLimits } from './yaml-shape.js';
import { contentRevision as contentRevisionOf, textDigest } from '../source-revision.js';

export const geoServiceApiVersion = 'kargo.io/v1alpha1';
export const geoServiceKind = 'GeoService';

/**
 * Caps that keep a hostile or mistaken file from exhausting memory or time: past one, the file
 * (or the read) is a manifest problem naming the file and the limit. Measured: the worst 1 MiB
 * texts within these limits parse in well under 100 MB of heap.
 */
export interface ParseLimits extends YamlShapeLimits {
  /** Files larger than this are refused (the reader reads at most this many bytes plus one). */
  readonly maxFileBytes: number;
  /** Alias expansions per document: a "billion laughs" document stops here. */
  readonly maxAliasCount: number;
  /** Manifest files per read; the files past it (in path order) are not read. */
  readonly maxFiles: number;
  /** Bytes of all the files of one read; the files past it are not read. */
  readonly maxTotalBytes: number;
}

export const defaultParseLimits: ParseLimits = {
  maxFileBytes: 1024 * 1024,
  maxAliasCount: 100,
  maxDepth: 64,
  maxDocuments: 1000,
  maxNodes: 50_000,
  maxFiles: 10_000,
  maxTotalBytes: 64 * 1024 * 1024,
};

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
  readonly networks: readonly NetworkCandidate[];
  readonly problems: readonly ManifestProblem[];
  readonly ignored: readonly IgnoredDocument[];
}

/**
 * Parses and validates manifest files. Pure: the files come in as text. Returns every valid
 * manifest and every problem; a broken document never hides another one.
 */
export function parseManifests(
  files: readonly ManifestFile[],
  validators: ManifestValidators,
  limits: ParseLimits = defaultParseLimits,
  policy: PolicyContext = baselineContext,
): ManifestSet {
  return combineParsedFiles(files.map((file) => parseManifestFile(file, validators, limits, policy)));
}

/** Parses and checks one file's documents (see ParsedFile), the operator's policy included. */
export function parseManifestFile(file: ManifestFile, validators: ManifestValidators, limits: ParseLimits = defaultParseLimits, policy: PolicyContext = baselineContext): ParsedFile {
  const problems: ManifestProblem[] = [];
  const ignored: IgnoredDocument[] = [];
  const candidates: Candidate[] = [];
  const networks: NetworkCandidate[] = [];
  if ('tooLarge' in file) {
    problems.push(fileProblem(file.path, ManifestProblemCode.FileTooLarge, `file is ${file.sizeBytes} bytes; the limit is ${limits.maxFileBytes}`));
  } else if ('unreadable' in file) {
    problems.push(fileProblem(file.path, ManifestProblemCode.FileUnreadable, `cannot read file: ${file.unreadable}`));
  } else if ('refused' in file) {
    problems.push(fileProblem(file.path, file.refused, file.reason));
  } else if (file.text.length > limits.maxFileBytes) {
    problems.push(fileProblem(file.path, ManifestProblemCode.FileTooLarge, `file is ${file.text.length} bytes; the limit is ${limits.maxFileBytes}`));
  } else {
    parseFile(file.path, file.text, { validators, limits, policy }, { candidates, networks, problems, ignored });
  }
  return { path: file.path, digest: 'text' in file ? textDigest(file.text) : '', candidates, networks, problems, ignored };
}

/**
 * The manifest set of some parsed files: applies the rules between manifests, and joins what the
 * loader read for the files GeoServices name (a reference that could not be read is the
 * GeoService's problem, at its field).
 */
export function combineParsedFiles(files: readonly ParsedFile[], references: ReadonlyMap<Candidate, ReadReferences> = new Map()): ManifestSet {
  const candidates = files.flatMap((file) => file.candidates);
  const networks = files.flatMap((file) => file.networks);
  const problems = files.flatMap((file) => file.problems);
  const rejected = checkAcrossManifests(candidates, networks, problems);
  for (const [candidate, read] of references) {
    for (const problem of read.problems) problems.push({ ...(candidate.fieldLocations.get(problem.field) ?? candidate.source), ...problem, key: candidate.key });
    if (read.problems.length > 0) rejected.add(candidate);
  }
  const accepted = candidates.filter((candidate) => !rejected.has(candidate));
  const contentsOf = (candidate: Candidate): { contents?: ReadonlyMap<string, FileContent> } => {
    const contents = references.get(candidate)?.contents;
    return contents === undefined || contents.size === 0 ? {} : { contents };
  };
  // By the candidate itself, not a copy: what the loader read is keyed by it.
  const manifests = accepted.flatMap((candidate) => (candidate.job === undefined ? [{ key: candidate.key, resource: candidate.resource, source: candidate.source, ...contentsOf(candidate) }] : []));
  const jobs = accepted.flatMap((candidate) => (candidate.job === undefined ? [] : [{ key: candidate.key, resource: candidate.job, workload: candidate.resource, source: candidate.source, ...contentsOf(candidate) }]));
  problems.sort(byLocation);
  return {
    manifests,
    jobs,
    networks: networks.filter((network) => !rejected.has(network)).map(({ key, resource, source }) => ({ key, resource, source })),
    problems,
    ignored: files.flatMap((file) => file.ignored),
    files: files.map((file) => file.path),
    contentRevision: contentRevisionOf(files),
  };
}

function fileProblem(file: string, code: ManifestProblemCode, message: string): ManifestProblem {
  return { file, line: 1, column: 1, code, message, field: '' };
}

/** What one file's documents add up to (see ParsedFile). */
interface FileResults {
  readonly candidates: Candidate[];
  readonly networks: NetworkCandidate[];
  readonly problems: ManifestProblem[];
  readonly ignored: IgnoredDocument[];
}

/** What a file is checked against. */
interface Checks {
  readonly validators: ManifestValidators;
  readonly limits: ParseLimits;
  readonly policy: PolicyContext;
}

function parseFile(file: string, text: string, { validators, limits, policy }: Checks, results: FileResults): void {
  const { problems, ignored } = results;
  const violation = checkYamlShape(text, limits);
  if (violation !== undefined) {
    // Refused before the parser builds anything: the whole file, like one that does not parse.
    const position = positionOf(text, violation.offset);
    problems.push({ file, ...position, code: shapeCodes[violation.limit], message: `${violation.message}; refusing the file`, field: '' });
    return;
  }
  const lines = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (!Array.isArray(documents)) return; // an empty stream
  for (const document of documents) {
    const locate = (path: FieldPath, atKey = false): SourceLocation => ({ file, ...locateField(document, path, atKey, lines) });
    const at = (path: FieldPath, code: ManifestProblemCode, message: string, key?: string, atKey = false): ManifestProblem => ({
      ...locate(path, atKey),
      code,
      message,
      field: formatFieldPath(path),
      ...(key === undefined ? {} : { key }),
    });
    const issueAt = (issue: SemanticIssue, key: string): ManifestProblem => ({ ...at(issue.path, issue.code, issue.message, key), ...(issue.rule === undefined ? {} : { rule: issue.rule }) });
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
    const ours = apiVersion === '' || apiVersion.startsWith('kargo.io/');
    if (!isObjectKind(kind) && apiVersion.startsWith('kargo.io/')) {
      // Kargo's own group has only its kinds: anything else there is a typo, not someone else's document.
      const kinds = `${objectKinds.slice(0, -1).join(', ')} or ${objectKinds[objectKinds.length - 1] ?? ''}`;
      const message = record['kind'] === undefined ? `missing required field "kind" (use ${kinds})` : `must be ${kinds}, not ${describeValue(record['kind'])}`;
      problems.push(at(['kind'], ManifestProblemCode.Schema, message, readKey(record, 'GeoService')));
      continue;
    }
    if (!isObjectKind(kind) || !ours) {
      ignored.push({ ...locate([]), apiVersion, kind });
      continue;
    }
    const key = readKey(record, kind);
    if (apiVersion !== geoServiceApiVersion) {
      const message = apiVersion === '' ? `missing required field "apiVersion" (use ${geoServiceApiVersion})` : `apiVersion ${apiVersion} is not supported; use ${geoServiceApiVersion}`;
      problems.push(at(['apiVersion'], ManifestProblemCode.UnsupportedApiVersion, message, key));
      continue;
    }
    const schemaIssues = validators[kind](record);
    if (schemaIssues.length > 0) {
      problems.push(...schemaIssues.map((issue) => at(issue.path, ManifestProblemCode.Schema, issue.message, key, issue.atKey)));
      continue;
    }
    const namespace = readNamespace(record);
    const resourceKey = formatKey(kind, namespace, (record['metadata'] as { name: string }).name);
    const checked = checkResource(kind, record, namespace, policy);
    if ('issues' in checked) problems.push(...checked.issues.map((issue) => issueAt(issue, resourceKey)));
    else if (checked.kind === 'Network') results.networks.push({ key: resourceKey, resource: checked.resource, source: locate([]), fieldLocations: locations([['metadata', 'name']], locate) });
    else {
      const job = checked.kind === 'GeoJob' ? { job: checked.resource } : {};
      results.candidates.push({ key: resourceKey, resource: checked.workload, ...job, source: locate([]), fieldLocations: crossCheckLocations(checked.workload, locate) });
    }
  }
}

/** Where the fields of a GeoService that checkAcrossManifests may point at are written. */
function crossCheckLocations(resource: Candidate['resource'], locate: (path: FieldPath) => SourceLocation): Map<string, SourceLocation> {
  const paths: FieldPath[] = [
    ['metadata', 'name'],
    ...publishedPorts(resource.spec).map(({ index }) => ['spec', 'ports', index, 'published']),
    ...(resource.spec.networks ?? []).map((_, index) => ['spec', 'networks', index]),
    ...(resource.spec.dependsOn ?? []).map((_, index) => ['spec', 'dependsOn', index]),
    ...fileReferencesOf(resource.spec).map(({ kind, index }) => ['spec', `${kind}s`, index, 'file']),
  ];
  return locations(paths, locate);
}

function locations(paths: readonly FieldPath[], locate: (path: FieldPath) => SourceLocation): Map<string, SourceLocation> {
  return new Map(paths.map((path) => [formatFieldPath(path), locate(path)]));
}

function toPlainValue(document: Document, limits: ParseLimits): unknown {
  try {
    return document.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (error) {
    return new Error(`too many YAML alias expansions (more than ${limits.maxAliasCount}); refusing the document (${error instanceof Error ? error.message : String(error)})`);
  }
}

const shapeCodes = { depth: ManifestProblemCode.YamlTooDeep, documents: ManifestProblemCode.TooManyDocuments, nodes: ManifestProblemCode.TooManyNodes } as const;

/** Whether a problem is a refusal of the text's shape (see checkYamlShape): the text was not parsed. */
export function isShapeRefusal(code: ManifestProblemCode): boolean {
  return (Object.values(shapeCodes) as string[]).includes(code);
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

/** The key of a document that may be invalid, when its name is a readable string. */
function readKey(record: Record<string, unknown>, kind: Parameters<typeof formatKey>[0]): string | undefined {
  const metadata = record['metadata'];
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const { name } = metadata as Record<string, unknown>;
  if (typeof name !== 'string') return undefined;
  return formatKey(kind, readNamespace(record), name);
}

function readNamespace(record: Record<string, unknown>): string {
  const metadata = record['metadata'];
  const namespace = typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>)['namespace'] : undefined;
  return typeof namespace === 'string' ? namespace : defaultNamespace;
}

function byLocation(a: SourceLocation, b: SourceLocation): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;
}

