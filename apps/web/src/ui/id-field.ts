/** The labelled id input of the page's inline forms (a user id, a movie id). */
import { h } from './dom';

/** A label and a required whole-number input (1 and up, numeric keyboard on phones) named `name`. */
export function idField(id: string, name: string, label: string, value: number | '' = ''): [HTMLLabelElement, HTMLInputElement] {
  return [h('label', { for: id, class: 'label' }, label), h('input', { id, name, type: 'number', min: 1, step: 1, inputmode: 'numeric', class: 'input input-narrow', required: true, value })];
}
