/**
 * Per-cluster values: `${NAME}`, `${NAME:-default}` and the escape `$${` in a manifest's text,
 * replaced before the text is parsed as YAML (so a value reads as the YAML type it spells, as
 * with Flux's postBuild substitution and Compose's interpolation). Line structure is kept (a
 * value may not hold a line break), so a position in the substituted text maps back to the
 * original by its column alone (see originalPosition).
 */

/** The values to substitute, by variable name. */
export type Values = ReadonlyMap<string, string>;

/** Why a reference could not be substituted. */
export type ReferenceIssueKind = 'unset' | 'invalid' | 'multiline' | 'structure';

/** A reference that could not be substituted, at its `${` in the original text (1-based). */
export interface ReferenceIssue {
  readonly kind: ReferenceIssueKind;
  readonly line: number;
  readonly column: number;
  /** Offset of the `${` in the substituted text (where the filler stands). */
  readonly outOffset: number;
  /** The variable's name; for an invalid reference, the text between the braces. */
  readonly name: string;
  readonly message: string;
}

/** One replaced piece of a line: columns are 0-based, in the original (`in`) and substituted (`out`) line. */
export interface SubstitutedSpan {
  readonly line: number;
  readonly inStart: number;
  readonly inEnd: number;
  readonly outStart: number;
  readonly outEnd: number;
  /** Offset of the span's start in the whole substituted text. */
  readonly outOffset: number;
  /** The variable whose value (or default) fills the span; undefined for a `$${` escape. */
  readonly name?: string;
}

export interface Substitution {
  readonly text: string;
  /** Every reference and escape replaced, in text order; none means the text is unchanged. */
  readonly spans: readonly SubstitutedSpan[];
  readonly issues: readonly ReferenceIssue[];
}

/** `$${` (an escape) or `${` (a reference); the rest of a reference is read by hand, up to its `}`. */
const referenceStart = /\$?\$\{/g;
const referenceBody = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;
/**
 * What stands for a reference that could not be substituted: plain letters keep the YAML around
 * it parseable (an empty one would not, after `image: app:`), so the document is still told
 * apart, by kind and name, from the others in its file.
 */
export const missingValueFiller = 'x';

/**
 * Substitutes `values` into `text`. A reference with no value and no default, a malformed one, or
 * one whose value spans lines is left out of the text (it becomes empty) and reported as an issue.
 * `${NAME:-default}` takes the default when NAME is unset or empty, like the shell; `$NAME`
 * without braces is left alone, so shell variables in commands keep working.
 */
export function substituteValues(text: string, values: Values): Substitution {
  return substitute(text, (name) => values.get(name));
}

/**
 * The same substitution with every value (or default) replaced by `filler`: how the text reads
 * with values that bring no YAML syntax, to tell what a real value changed (see value-structure.ts).
 */
export function substituteFiller(text: string, filler: string): Substitution {
  return substitute(text, () => filler);
}

function substitute(text: string, valueOf: (name: string) => string | undefined): Substitution {
  const spans: SubstitutedSpan[] = [];
  const issues: ReferenceIssue[] = [];
  const lines = text.split('\n');
  let lineOffset = 0;
  const out = lines.map((line, index) => {
    const lineNumber = index + 1;
    let result = '';
    let copied = 0;
    const startOffset = lineOffset;
    for (const match of line.matchAll(referenceStart)) {
      const start = match.index;
      if (start < copied) continue; // inside a reference already read (e.g. its default)
      result += line.slice(copied, start);
      const outStart = result.length;
      const add = (end: number, replacement: string, name?: string): void => {
        result += replacement;
        copied = end;
        spans.push({ line: lineNumber, inStart: start, inEnd: end, outStart, outEnd: result.length, outOffset: startOffset + outStart, ...(name === undefined ? {} : { name }) });
      };
      if (match[0] === '$${') {
        add(start + 2, '$');
        continue;
      }
      const issue = (kind: ReferenceIssueKind, name: string, message: string): void => {
        issues.push({ kind, line: lineNumber, column: start + 1, outOffset: startOffset + outStart, name, message });
      };
      const close = line.indexOf('}', start + 2);
      if (close < 0) {
        issue('invalid', line.slice(start + 2), `"\${" without a closing "}" on its line: write \${NAME} or \${NAME:-default}, or $\${ for a literal "\${"`);
        add(line.length, missingValueFiller);
        continue;
      }
      const body = line.slice(start + 2, close);
      const parts = referenceBody.exec(body);
      const name = parts?.[1];
      const fallback = parts?.[2];
      if (name === undefined || fallback?.includes('${') === true) {
        issue('invalid', body, `"\${${body}}" is not a variable reference: write \${NAME} or \${NAME:-default} (no nesting), or $\${ for a literal "\${"`);
        add(close + 1, missingValueFiller);
        continue;
      }
      const value = valueOf(name);
      const resolved = fallback === undefined ? value : value === undefined || value === '' ? fallback : value;
      if (resolved === undefined) {
        issue('unset', name, `variable ${name} is not set: give it a value in a --values file, or a default with \${${name}:-default}`);
        add(close + 1, missingValueFiller, name);
      } else if (/[\r\n]/.test(resolved)) {
        issue('multiline', name, `the value of ${name} spans several lines; a value must be one line`);
        add(close + 1, missingValueFiller, name);
      } else {
        add(close + 1, resolved, name);
      }
    }
    result += line.slice(copied);
    lineOffset += result.length + 1;
    return result;
  });
  return { text: out.join('\n'), spans, issues };
}

/** The position in the original text of a 1-based position in the substituted text. */
export function originalPosition(spans: readonly SubstitutedSpan[], line: number, column: number): { line: number; column: number } {
  const at = column - 1;
  let mapped = at;
  for (const span of spans) {
    if (span.line !== line || span.outStart > at) continue;
    // Inside a value (or right at an empty one): the reference itself is where to look.
    if (at < Math.max(span.outEnd, span.outStart + 1)) mapped = span.inStart;
    else mapped = at - span.outEnd + span.inEnd;
  }
  return { line, column: mapped + 1 };
}
