import { parseAllDocuments, visit, type Document } from 'yaml';
import { missingValueFiller, substituteFiller, type ReferenceIssue, type SubstitutedSpan, type Substitution } from './substitute-values.js';

/** Offsets `[start, end)` of a node's value in the text it was parsed from. */
type Range = readonly [number, number];

/**
 * The issues of a substitution that matter, and those of values that bring YAML structure.
 *
 * A reference in a comment is no problem: comments are not read (a commented-out line may name a
 * variable that is gone). And substitution is textual (like Flux's postBuild), so a value could
 * bring YAML syntax with it: `a, b: c` in a flow mapping adds a key, `1.0 # x` turns the rest into
 * a comment, `[a]` makes a list. Such a value must not change a manifest silently: each value must
 * lie within one scalar of the substituted text. Both are told apart from a reference that sits
 * outside every scalar anyway (in a comment) by the same text with a neutral filler for every value.
 */
export function referenceIssues(original: string, substitution: Substitution, documents: readonly Document[]): ReferenceIssue[] {
  const filled = substitution.spans.filter((span) => span.name !== undefined && span.outEnd > span.outStart);
  const scalars = documents.flatMap(scalarRanges);
  const escaping = filled.filter((span) => !withinAny(scalars, span));
  if (escaping.length === 0 && substitution.issues.length === 0) return [];
  // The same text with a filler of plain letters for every value: the same spans, in the same order.
  const neutral = substituteFiller(original, missingValueFiller);
  const neutralScalars = parseDocuments(neutral.text).flatMap(scalarRanges);
  const readAsYaml = (span: SubstitutedSpan): boolean => {
    const twin = neutral.spans[substitution.spans.indexOf(span)];
    return twin !== undefined && withinAny(neutralScalars, twin);
  };
  const spanAt = (issue: ReferenceIssue): SubstitutedSpan | undefined => substitution.spans.find((span) => span.line === issue.line && span.inStart === issue.column - 1);
  const outsideComments = substitution.issues.filter((issue) => {
    const span = spanAt(issue);
    return span === undefined || readAsYaml(span);
  });
  return [...outsideComments, ...escaping.filter(readAsYaml).map((span) => structureIssue(span, span.name ?? ''))];
}

function structureIssue(span: SubstitutedSpan, name: string): ReferenceIssue {
  return {
    kind: 'structure',
    line: span.line,
    column: span.inStart + 1,
    outOffset: span.outOffset,
    name,
    message: `the value of ${name} is not one YAML value here: it brings YAML syntax (such as ": ", " #", ",", brackets or quotes) into the manifest; change the value, or quote the reference`,
  };
}

/** The documents of a text, none for an empty one. */
export function parseDocuments(text: string): Document.Parsed[] {
  const documents = parseAllDocuments(text, { prettyErrors: false });
  return Array.isArray(documents) ? documents : [];
}

function scalarRanges(document: Document): Range[] {
  const ranges: Range[] = [];
  visit(document, {
    Scalar: (_key, node) => {
      if (node.range !== undefined && node.range !== null) ranges.push([node.range[0], node.range[1]]);
    },
  });
  return ranges;
}

function withinAny(ranges: readonly Range[], span: SubstitutedSpan): boolean {
  const end = span.outOffset + span.outEnd - span.outStart;
  return ranges.some(([start, stop]) => start <= span.outOffset && end <= stop);
}
