// A few lines instead of a framework: elements are built with textContent only, so nothing from the API is ever
// parsed as HTML.

type Child = Node | string | number | undefined | null | false;
type Props = { class?: string; attrs?: Record<string, string | number | boolean | undefined>; on?: Partial<Record<keyof HTMLElementEventMap, (event: Event) => void>> };

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.class) element.className = props.class;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const [name, handler] of Object.entries(props.on ?? {})) if (handler) element.addEventListener(name, handler);
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** A data table: the accessible twin of every chart, and the list views. */
export function table(caption: string, headers: string[], rows: Child[][], options: { hiddenCaption?: boolean } = {}): HTMLTableElement {
  return h(
    'table',
    {},
    h('caption', { class: options.hiddenCaption ? 'visually-hidden' : undefined }, caption),
    h('thead', {}, h('tr', {}, ...headers.map((header) => h('th', { attrs: { scope: 'col' } }, header)))),
    h('tbody', {}, ...rows.map((row) => h('tr', {}, ...row.map((cell) => h('td', {}, cell))))),
  );
}
