/**
 * The few DOM helpers the page is built with: an element with properties and children, a
 * labelled input, a button.
 */

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  properties: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = Object.assign(document.createElement(tag), properties);
  element.append(...children);
  return element;
}

/** A required input inside its label. */
export function field(
  label: string,
  properties: Partial<HTMLInputElement>,
): [HTMLLabelElement, HTMLInputElement] {
  const input = h('input', { required: true, ...properties });
  return [h('label', {}, label, input), input];
}

/** A button, disabled while an action runs (`busy`). */
export function button(label: string, busy: boolean, properties: Partial<HTMLButtonElement> = {}): HTMLButtonElement {
  return h('button', { type: 'button', disabled: busy, ...properties }, label);
}
