import { Lexer } from 'yaml';

/** Caps on a YAML text's shape, checked before it is parsed (see checkYamlShape). */
export interface YamlShapeLimits {
  /** Nesting: open flow brackets, plus indentation columns and block indicators on a line. */
  readonly maxDepth: number;
  readonly maxDocuments: number;
  /** Nodes, counted from their tokens: scalars, collections, aliases and the indicators of entries. */
  readonly maxNodes: number;
}

/** Why a text is refused, and the offset in it where the scan stopped. */
export interface YamlShapeViolation {
  readonly limit: 'depth' | 'documents' | 'nodes';
  readonly offset: number;
  readonly message: string;
}

const scalarMarker = '\u001f';
const blockIndicators = new Set(['-', '?', ':']);
const entryIndicators = new Set(['-', '?', ':', ',']);

/**
 * The first limit `text` goes over, or undefined. The `yaml` parser and composer build their
 * trees without a depth limit: a 1 MiB file of `[[[[…` exhausts the heap (seen: heap out of
 * memory at 400 MB), and a 1 MiB flat list of a few hundred thousand nodes takes ~580 MB. The
 * lexer, by contrast, keeps a counter of flow levels and no tree, and yields tokens lazily, so
 * this scan costs constant memory and stops at the first token past a limit. Quotes, comments
 * and block scalars are tokenised by the same lexer the parser uses, so no text can hide
 * brackets from the scan that the parser would then see. The depth is an estimate on purpose:
 * one indentation column counts one level, which over-counts (two-space indentation) and can
 * never let a nesting through that is more than about twice the limit.
 */
export function checkYamlShape(text: string, limits: YamlShapeLimits): YamlShapeViolation | undefined {
  return withinLimitsAtAGlance(text, limits) ? undefined : scanTokens(text, limits);
}

/**
 * A bound of what scanTokens counts, from one pass over the characters: every bracket anywhere,
 * the deepest line (indentation plus every - ? : on it), every line that may start a document,
 * two nodes per character (an entry indicator and the scalar marker the lexer adds after it). Every manifest of ordinary size passes it, so only the odd text pays
 * for the lexer (a manifest directory of 1,000 files read ~10% slower with every file lexed).
 */
function withinLimitsAtAGlance(text: string, limits: YamlShapeLimits): boolean {
  if (text.length * 2 > limits.maxNodes) return false;
  let brackets = 0;
  let deepestLine = 0;
  let documents = 1;
  let line = 0;
  let indenting = true;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 10) {
      deepestLine = Math.max(deepestLine, line);
      line = 0;
      indenting = true;
      if (text.startsWith('---', index + 1) || text.startsWith('...', index + 1)) documents += 1;
      continue;
    }
    if (indenting && (code === 32 || code === 9)) {
      line += 1;
      continue;
    }
    indenting = false;
    if (code === 91 || code === 123) brackets += 1; // [ {
    else if (code === 45 || code === 63 || code === 58) line += 1; // - ? :
  }
  deepestLine = Math.max(deepestLine, line);
  return brackets + deepestLine <= limits.maxDepth && documents <= limits.maxDocuments;
}

/** The scan itself, token by token (exported for the test that the shortcut never disagrees with it). */
export function scanTokens(text: string, limits: YamlShapeLimits): YamlShapeViolation | undefined {
  let offset = 0;
  let flowLevel = 0;
  let lineStart = true;
  let lineDepth = 0;
  let documents = 0;
  let inDocument = false;
  let nodes = 0;
  for (const token of new Lexer().lex(text)) {
    const at = offset;
    offset += token.length;
    if (token === '\n' || token === '\r\n') {
      lineStart = true;
      lineDepth = 0;
      continue;
    }
    const first = token.charAt(0);
    if (lineStart && (first === ' ' || first === '\t')) {
      lineDepth = token.length;
      lineStart = false;
      continue;
    }
    lineStart = false;
    if (token === '---' || (!inDocument && isContent(token))) {
      // `---` always starts a document; content after `...` starts one too.
      documents += 1;
      inDocument = true;
      if (documents > limits.maxDocuments) return { limit: 'documents', offset: at, message: `more than ${String(limits.maxDocuments)} YAML documents in one file` };
      continue;
    }
    if (token === '...') inDocument = false;
    if (token === '[' || token === '{') flowLevel += 1;
    else if ((token === ']' || token === '}') && flowLevel > 0) flowLevel -= 1;
    else if (flowLevel === 0 && blockIndicators.has(token)) lineDepth += 1;
    if (token === scalarMarker || token === '[' || token === '{' || first === '"' || first === "'" || first === '*' || entryIndicators.has(token)) nodes += 1;
    if (nodes > limits.maxNodes) return { limit: 'nodes', offset: at, message: `more than ${String(limits.maxNodes)} YAML nodes in one file` };
    if (flowLevel + lineDepth > limits.maxDepth) return { limit: 'depth', offset: at, message: `YAML nested deeper than ${String(limits.maxDepth)} levels (brackets, indentation and - ? : indicators on a line)` };
  }
  return undefined;
}

/** A token that belongs to a document's content (not a separator, comment, space or the lexer's mode marker). */
function isContent(token: string): boolean {
  const first = token.charAt(0);
  return !(token === '...' || token === '\u0002' || token === '\uFEFF' || token === '\n' || token === '\r\n' || first === ' ' || first === '\t' || first === '#' || first === '%' || token === '');
}
