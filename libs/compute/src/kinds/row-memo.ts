import type { RowsContext } from './model-kind';

/**
 * What row jobs of one process share, read once: `load()` under `key` in the process's memo.
 * Entries whose key starts with `replaces` (older versions or rounds of the same kind) are
 * dropped first, so one is kept per kind; a failed load is not kept (the next job reads again).
 */
export async function memoized<T>(ctx: RowsContext, key: string, replaces: string, load: () => Promise<T>): Promise<T> {
  let pending = ctx.memo.get(key) as Promise<T> | undefined;
  if (pending === undefined) {
    for (const old of [...ctx.memo.keys()]) if (old.startsWith(replaces)) ctx.memo.delete(old);
    pending = load();
    ctx.memo.set(key, pending);
  }
  try {
    return await pending;
  } catch (err) {
    ctx.memo.delete(key);
    throw err;
  }
}
