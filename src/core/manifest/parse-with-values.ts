import type { Document } from 'yaml';
import { defaultNamespace, ManifestProblemCode, type ManifestFile, type ManifestProblem, type SourceLocation } from './manifest-set.js';
import { baselineContext, type PolicyContext } from '../policy/policy.js';
import { defaultParseLimits, isShapeRefusal, parseManifestFile, type ParsedFile, type ParseLimits } from './parse-manifests.js';
import type { ManifestValidators } from './manifest-validators.js';
import { formatKey, isObjectKind } from '../object-key.js';
import { originalPosition, substituteValues, type ReferenceIssue, type SubstitutedSpan, type Values } from './substitute-values.js';
import { parseDocuments, referenceIssues } from './value-structure.js';
import { textDigest } from '../source-revision.js';

/** A parsed file, and whether it refers to values at all (a file that does not stays valid whatever the values). */
export type ParsedWithValues = ParsedFile & { readonly usesValues: boolean };

const issueCodes = {
  unset: ManifestProblemCode.UnsetVariable,
  invalid: ManifestProblemCode.InvalidVariableReference,
  multiline: ManifestProblemCode.MultilineValue,
  structure: ManifestProblemCode.ValueChangesStructure,
} as const;

/**
 * Parses one manifest file after substituting `values` into its text (see substitute-values.ts).
 * Every position is mapped back to the original text, and the digest is the original text's, so
 * the content revision stays a revision of the files. A GeoService document with a reference
 * that could not be substituted reports that alone (its other problems may only be consequences)
 * and yields no manifest, so its service is held like for any other problem. Documents of other
 * kinds (a compose file has `${…}` of its own) are not Kargo's: their references are no problem.
 */
export function parseManifestFileWithValues(
  file: ManifestFile,
  values: Values,
  validate: ManifestValidators,
  limits: ParseLimits = defaultParseLimits,
  policy: PolicyContext = baselineContext,
): ParsedWithValues {
  const asWritten = (): ParsedWithValues => ({ ...parseManifestFile(file, validate, limits, policy), usesValues: false });
  if (!('text' in file)) return asWritten();
  const substitution = substituteValues(file.text, values);
  if (substitution.spans.length === 0) return asWritten();
  const { spans } = substitution;
  const parsed = parseManifestFile({ path: file.path, text: substitution.text }, validate, limits, policy);
  // A text refused for its shape is never handed to the parser, with values or without.
  if (parsed.problems.some((problem) => isShapeRefusal(problem.code))) return asWritten();
  const documents = parseDocuments(substitution.text);
  const issues = referenceIssues(file.text, substitution, documents);
  const back = <T extends SourceLocation>(location: T): T => ({ ...location, ...originalPosition(spans, location.line, location.column) });
  let problems = parsed.problems.map((problem) => ({ ...back(problem), message: redactValues(problem, spans, substitution.text) }));
  const located = <T extends { source: SourceLocation; fieldLocations: ReadonlyMap<string, SourceLocation> }>(candidate: T): T => ({
    ...candidate,
    source: back(candidate.source),
    fieldLocations: new Map([...candidate.fieldLocations].map(([field, location]) => [field, back(location)])),
  });
  let candidates = parsed.candidates.map(located);
  let networks = parsed.networks.map(located);
  const ignored = parsed.ignored.map(back);
  for (const [document, found] of issuesByDocument(documents, issues)) {
    const lines = lineRange(substitution.text, document);
    const inDocument = (location: SourceLocation): boolean => location.line >= lines.first && location.line <= lines.last;
    if (ignored.some(inDocument) && !found.some((issue) => touches(document, ['kind', 'apiVersion'], issue))) continue;
    const key = found.some((issue) => touches(document, ['metadata'], issue)) ? undefined : keyOfDocument(document);
    candidates = candidates.filter((candidate) => !inDocument(candidate.source));
    networks = networks.filter((network) => !inDocument(network.source));
    problems = [
      ...problems.filter((problem) => !inDocument(problem)),
      ...found.map((issue) => ({ file: file.path, line: issue.line, column: issue.column, code: issueCodes[issue.kind], message: issue.message, field: '', ...(key === undefined ? {} : { key }) })),
    ];
  }
  return { ...parsed, digest: textDigest(file.text), candidates, networks, problems, ignored, usesValues: true };
}

/** Issues grouped by the document they are in (by offset in the substituted text). */
function issuesByDocument(documents: readonly Document.Parsed[], issues: readonly ReferenceIssue[]): Map<Document.Parsed, ReferenceIssue[]> {
  const grouped = new Map<Document.Parsed, ReferenceIssue[]>();
  for (const issue of issues) {
    const document = documents.find((candidate) => candidate.range[0] <= issue.outOffset && issue.outOffset <= candidate.range[2]) ?? documents[documents.length - 1];
    if (document !== undefined) grouped.set(document, [...(grouped.get(document) ?? []), issue]);
  }
  return grouped;
}

/** The 1-based lines a document spans (the same in the original text: substitution keeps lines). */
function lineRange(text: string, document: Document.Parsed): { first: number; last: number } {
  const lineAt = (offset: number): number => text.slice(0, offset).split('\n').length;
  return { first: lineAt(document.range[0]), last: lineAt(Math.max(document.range[0], document.range[2] - 1)) };
}

/** Whether an issue lies in the value of one of a document's top-level fields. */
function touches(document: Document, fields: readonly string[], issue: ReferenceIssue): boolean {
  return fields.some((field) => {
    const range = (document.get(field, true) as { range?: readonly number[] } | undefined)?.range;
    return range !== undefined && (range[0] ?? 0) <= issue.outOffset && issue.outOffset <= (range[2] ?? 0);
  });
}

function keyOfDocument(document: Document): string | undefined {
  const kind: unknown = document.get('kind');
  const name: unknown = document.getIn(['metadata', 'name']);
  const namespace: unknown = document.getIn(['metadata', 'namespace']);
  if (typeof name !== 'string') return undefined;
  return formatKey(typeof kind === 'string' && isObjectKind(kind) ? kind : 'GeoService', typeof namespace === 'string' ? namespace : defaultNamespace, name);
}

/**
 * A problem's message with the values substituted on its line replaced by their reference: a
 * schema message quotes what a field holds, and values never reach the logs.
 */
function redactValues(problem: ManifestProblem, spans: readonly SubstitutedSpan[], text: string): string {
  let message = problem.message;
  for (const span of spans) {
    if (span.line !== problem.line || span.name === undefined || span.outEnd === span.outStart) continue;
    const value = text.slice(span.outOffset, span.outOffset + span.outEnd - span.outStart);
    const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const reference = `\${${span.name}}`;
    message = message.replace(new RegExp(`(?<![\\w.-])${escaped}(?![\\w.-])`, 'g'), () => reference);
  }
  return message;
}
