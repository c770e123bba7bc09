/** What every view gets from the app shell, and the load-then-render pattern they share. */
import type { ApiClient } from '../lib/api-client';
import type { StatusAnswer } from '../lib/api-types';
import { replaceChildren } from '../ui/dom';
import { failure, loading } from '../ui/status';

/**
 * What the footer, the banners and the views read about the service: the served model, its
 * dataset's size, and `GET /status` (null when that failed). Reloaded every few seconds.
 */
export interface ServiceInfo {
  model: string | null;
  movies: number | null;
  users: number | null;
  ratings: number | null;
  status: StatusAnswer | null;
}

/** False when the served dataset has no demographics (no users file); true when it has them or it is not known yet. */
export function hasDemographics(info: ServiceInfo | null): boolean {
  return info?.status?.dataset?.demographics !== false;
}

/** Per-view services. `signal` aborts when the user navigates away: views check it before touching the DOM. */
export interface ViewContext {
  api: ApiClient;
  /** The view's container (inside `<main>`). */
  root: HTMLElement;
  signal: AbortSignal;
  /** Registers cleanup (timers, charts) run when the view is left. */
  onCleanup: (fn: () => void) => void;
  /**
   * Reads a message to screen-reader users through the page's one polite live region.
   * Result containers are not live regions themselves: a whole list read out on every
   * keystroke is noise; a one-line summary ("12 movies found") is what helps.
   */
  announce: (message: string) => void;
  /** The last known service info, or null before it loaded. */
  info: () => ServiceInfo | null;
  /** The service info once its current load settles (null when it failed). */
  infoLoaded: () => Promise<ServiceInfo | null>;
  /** Sets the document title (the app name is appended). */
  setTitle: (title: string) => void;
}

/**
 * Shows a loading state in `target`, runs `task`, then `render`s its result there, or an
 * error with a retry button. Nothing is drawn once `signal` (default: the view's) aborts,
 * so a superseded request never overwrites a newer answer.
 */
export async function load<T>(
  ctx: ViewContext,
  target: HTMLElement,
  task: () => Promise<T>,
  render: (value: T) => void,
  label?: string,
  signal: AbortSignal = ctx.signal,
): Promise<void> {
  replaceChildren(target, loading(label));
  target.setAttribute('aria-busy', 'true');
  try {
    const value = await task();
    if (signal.aborted) return;
    replaceChildren(target);
    render(value);
  } catch (error) {
    if (signal.aborted) return;
    replaceChildren(target, failure(error, () => void load(ctx, target, task, render, label, signal)));
  } finally {
    target.removeAttribute('aria-busy');
  }
}

/**
 * For requests that replace each other (search as you type, redraw on a slider): each call
 * aborts the previous request and returns the signal for the next, so a slower, older
 * answer can never overwrite a newer one. The signals also abort when the view is left.
 */
export function supersedingSignal(ctx: Pick<ViewContext, 'signal'>): () => AbortSignal {
  let current: AbortController | null = null;
  return () => {
    current?.abort();
    current = new AbortController();
    return AbortSignal.any([ctx.signal, current.signal]);
  };
}
