/** `a, b, c` or `a, b, c and 4 more`: a list in a message that stays one readable line. */
export function someOf(items: readonly string[], shown = 3): string {
  return items.length <= shown ? items.join(', ') : `${items.slice(0, shown).join(', ')} and ${String(items.length - shown)} more`;
}
