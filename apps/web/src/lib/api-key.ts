/**
 * The admin API key, kept in sessionStorage: it survives reloads of this tab, and is gone
 * when the tab closes (never written to localStorage or a cookie).
 */

const storageKey = 'movielens.apiKey';

/** The saved key, or null. */
export function loadApiKey(storage: Pick<Storage, 'getItem'> = sessionStorage): string | null {
  const key = storage.getItem(storageKey);
  return key === null || key.trim() === '' ? null : key;
}

/** Saves `key` (trimmed); an empty key forgets it. */
export function saveApiKey(key: string, storage: Pick<Storage, 'setItem' | 'removeItem'> = sessionStorage): void {
  const trimmed = key.trim();
  if (trimmed === '') storage.removeItem(storageKey);
  else storage.setItem(storageKey, trimmed);
}
