/**
 * Debounces calls: `fn` runs once, `waitMs` after the last call (default 250 ms, short enough
 * to feel instant while typing, long enough to skip most keystrokes). `cancel` drops a pending call.
 */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, waitMs = 250): ((...args: A) => void) & { cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const debounced = (...args: A): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn(...args);
    }, waitMs);
  };
  return Object.assign(debounced, {
    cancel: () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  });
}
