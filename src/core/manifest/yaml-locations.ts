import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { FieldPath } from './field-path.js';

/** A 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/**
 * Where the field at `path` is written: the value's position, or the key's when `atKey` (an
 * unknown field). When the path does not exist (a missing field), the deepest part that does.
 */
export function locateField(document: Document, path: FieldPath, atKey: boolean, lines: LineCounter): Position {
  let node: unknown = document.contents;
  let offset = rangeStart(node) ?? 0;
  for (const segment of path) {
    const step = childOf(node, segment);
    if (step === undefined) break;
    const last = segment === path[path.length - 1];
    offset = (atKey && last ? rangeStart(step.key) : undefined) ?? rangeStart(step.value) ?? rangeStart(step.key) ?? offset;
    node = step.value;
  }
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

function childOf(node: unknown, segment: string | number): { key?: unknown; value: unknown } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
    return pair === undefined ? undefined : { key: pair.key, value: pair.value };
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment];
    return item === undefined ? undefined : { value: item };
  }
  return undefined;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range?.[0];
}
