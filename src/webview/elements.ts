// The @vscode-elements components the form uses (each registers its custom element), and
// small typed views of them.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-form-group/index.js';
import '@vscode-elements/elements/dist/vscode-form-helper/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';

/** Text fields and selects: a string value, error styling. */
export interface ValueElement extends HTMLElement {
  value: string;
  invalid?: boolean;
  disabled: boolean;
}

export interface CheckboxElement extends HTMLElement {
  checked: boolean;
  disabled: boolean;
}

/** A DOM element with properties (`attr:x` sets an attribute) and children; no innerHTML. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Partial<HTMLElementTagNameMap[K]> | Record<string, unknown>, ...children: Array<Node | string>): HTMLElementTagNameMap[K];
export function el(tag: string, props?: Record<string, unknown>, ...children: Array<Node | string>): HTMLElement;
export function el(tag: string, props: Record<string, unknown> = {}, ...children: Array<Node | string>): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined) continue;
    if (k === 'className') e.className = String(v);
    else if (k.startsWith('attr:')) e.setAttribute(k.slice(5), String(v));
    else (e as unknown as Record<string, unknown>)[k] = v;
  }
  for (const c of children) e.append(c);
  return e;
}
