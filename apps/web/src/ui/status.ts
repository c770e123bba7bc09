/** Designed loading, empty and error states: a view never goes blank while it waits or fails. */
import { ApiError, describeError } from '../lib/api-client';
import { h } from './dom';

/** A loading placeholder; `aria-busy` lets assistive tech know content is coming. */
export function loading(label = 'Loading…'): HTMLElement {
  return h('div', { class: 'state state-loading', role: 'status', 'aria-busy': 'true' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), label);
}

/** An empty result, with a hint of what to do next. */
export function empty(title: string, hint?: string): HTMLElement {
  return h('div', { class: 'state state-empty', role: 'status' }, h('strong', {}, title), hint === undefined ? null : h('p', {}, hint));
}

/**
 * An error with the user-facing explanation and an optional retry button. "No model yet"
 * is a state of the service, not a failure: it gets the calm empty style and a way forward.
 */
export function failure(error: unknown, retry?: () => void): HTMLElement {
  const again = retry === undefined ? null : h('button', { type: 'button', class: 'button secondary', onclick: () => retry() }, 'Try again');
  if (error instanceof ApiError && error.code === 'NOT_READY') {
    return h(
      'div',
      { class: 'state state-empty state-not-ready', role: 'status' },
      h('strong', {}, 'No model yet'),
      h('p', {}, 'Nothing to show until a dataset is uploaded and a model is built from it. ', h('a', { href: '#/admin' }, 'Upload one on the Admin page'), '.'),
      again,
    );
  }
  return h(
    'div',
    { class: 'state state-error', role: 'alert' },
    h('strong', {}, 'Something went wrong'),
    h('p', {}, describeError(error)),
    again,
  );
}
