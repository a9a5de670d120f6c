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

const DATE: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric' };

/** A moment, in the viewer's locale and time zone, with the zone named ("6 Dec 2026, 14:05 CET"). */
export function when(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { ...DATE, hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
}

/** A calendar date (a deadline, an exception's last day, a day of the chart), written like the dates of when(). */
export function day(isoDate: string): string {
  const date = new Date(`${isoDate}T12:00:00Z`);
  // The date itself, not a moment: the same day in every zone.
  return Number.isNaN(date.getTime()) ? isoDate : date.toLocaleDateString(undefined, { ...DATE, timeZone: 'UTC' });
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

/** "1 refusal", "3 refusals". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
