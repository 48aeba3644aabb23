import { parseAllDocuments, visit, type Document } from 'yaml';
import { missingValueFiller, substituteFiller, type ReferenceIssue, type SubstitutedSpan, type Substitution } from './substitute-values.js';

/** Offsets `[start, end)` of a node's value in the text it was parsed from. */
type Range = readonly [number, number];

/**
 * Substitution is textual (like Flux's postBuild), so a value could bring YAML syntax with it:
 * `a, b: c` in a flow mapping adds a key, `1.0 # x` turns the rest into a comment, `[a]` makes a
 * list. Such a value must not change a manifest silently: each value must lie within one scalar
 * of the substituted text. A value outside every scalar is an issue, unless the reference sits
 * outside every scalar anyway (in a comment), which a neutral filler in its place tells.
 */
export function structureIssues(original: string, substitution: Substitution, documents: readonly Document[]): ReferenceIssue[] {
  const filled = substitution.spans.filter((span) => span.name !== undefined && span.outEnd > span.outStart);
  if (filled.length === 0) return [];
  const scalars = documents.flatMap(scalarRanges);
  const escaping = filled.filter((span) => !withinAny(scalars, span));
  if (escaping.length === 0) return [];
  // The same text with a filler of plain letters for every value: the same spans, in the same order.
  const neutral = substituteFiller(original, missingValueFiller);
  const neutralScalars = parseDocuments(neutral.text).flatMap(scalarRanges);
  return escaping.flatMap((span) => {
    const twin = neutral.spans[substitution.spans.indexOf(span)];
    if (twin === undefined || !withinAny(neutralScalars, twin)) return [];
    const name = span.name ?? '';
    return [{
      kind: 'structure' as const,
      line: span.line,
      column: span.inStart + 1,
      outOffset: span.outOffset,
      name,
      message: `the value of ${name} is not one YAML value here: it brings YAML syntax (such as ": ", " #", ",", brackets or quotes) into the manifest; change the value, or quote the reference`,
    }];
  });
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
