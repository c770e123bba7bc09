/**
 * Folds a string for search: Unicode NFD splits "é" into "e" + a combining accent, the
 * accents (U+0300..U+036F) are dropped, then case is folded. "Misérables" -> "miserables".
 */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}
