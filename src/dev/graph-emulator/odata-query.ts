// OData system query options as Graph reads them ($select, $top, $skiptoken, $expand, $count, $orderby)
// and Graph-style paging with @odata.nextLink.

import { badRequest, unsupportedQuery } from './graph-errors.js';
import { advancedOperator, type FilterNode, filterPaths, parseFilter } from './odata-filter.js';

export interface PagingRule {
  defaultTop: number;
  maxTop: number;
}

export interface ExpandItem {
  name: string;
  select?: string[];
}

/** The request as a route sees it: the public URL pieces needed for @odata.context and nextLink. */
export interface ODataRequest {
  /** e.g. `https://127.0.0.1:4443` */
  baseUrl: string;
  /** `v1.0` or `beta`. */
  version: string;
  /** Path after the version, e.g. `/users`. */
  resourcePath: string;
  query: URLSearchParams;
  headers: Readonly<Record<string, string>>;
}

export function parseTop(request: ODataRequest, rule: PagingRule): number {
  const raw = request.query.get('$top');
  if (raw === null) return rule.defaultTop;
  const top = Number(raw);
  if (!Number.isInteger(top) || top < 1 || top > rule.maxTop) {
    throw unsupportedQuery(`Invalid page size specified: '${raw}'. Must be between 1 and ${rule.maxTop} inclusive.`);
  }
  return top;
}

export function parseSkipToken(request: ODataRequest): number {
  const raw = request.query.get('$skiptoken');
  if (raw === null) return 0;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (typeof decoded === 'object' && decoded !== null && 'offset' in decoded && Number.isInteger(decoded.offset) && (decoded.offset as number) >= 0) {
      return decoded.offset as number;
    }
  } catch {
    // Falls through to Graph's answer for a token it did not issue.
  }
  throw badRequest(`Invalid $skiptoken value: '${raw}'.`, 'Request_BadRequest');
}

export function parseSelect(request: ODataRequest, entity: string, selectable: ReadonlySet<string>): string[] | undefined {
  const raw = request.query.get('$select');
  if (raw === null || raw.trim() === '') return undefined;
  return checkSelect(raw.split(','), entity, selectable);
}

export function checkSelect(names: string[], entity: string, selectable: ReadonlySet<string>): string[] {
  const select = names.map((name) => name.trim()).filter((name) => name !== '');
  for (const name of select) {
    if (!selectable.has(name)) throw badRequest(`Could not find a property named '${name}' on type 'microsoft.graph.${entity}'.`);
  }
  return select;
}

/** `$expand=manager($select=id,displayName),teamsApp` → [{name: 'manager', select: [...]}, {name: 'teamsApp'}]. */
export function parseExpand(request: ODataRequest, allowed: ReadonlySet<string>): ExpandItem[] {
  const raw = request.query.get('$expand');
  if (raw === null || raw.trim() === '') return [];
  const items: ExpandItem[] = [];
  let depth = 0;
  let current = '';
  for (const ch of `${raw},`) {
    if (ch === ',' && depth === 0) {
      if (current.trim() !== '') items.push(parseExpandItem(current.trim()));
      current = '';
      continue;
    }
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    current += ch;
  }
  for (const item of items) {
    if (!allowed.has(item.name)) throw badRequest(`Could not find a navigation property named '${item.name}' to expand.`);
  }
  return items;
}

function parseExpandItem(text: string): ExpandItem {
  const match = /^([\w.]+)(?:\((.*)\))?$/.exec(text);
  if (!match) throw badRequest(`Invalid $expand item '${text}'.`);
  const name = match[1] as string;
  const options = match[2];
  if (options === undefined || options.trim() === '') return { name };
  const select = /^\$select=(.+)$/i.exec(options.trim());
  if (!select) throw badRequest(`Only $select is supported inside $expand, got '${options}'.`);
  return { name, select: (select[1] as string).split(',').map((s) => s.trim()) };
}

export interface FilterRule {
  /** Paths the resource accepts in $filter, joined with '/', e.g. `teamsApp/externalId`. */
  filterable: ReadonlySet<string>;
  /** Directory objects answer ne/not/endsWith only in advanced-query mode. */
  advancedQueries?: boolean;
}

export function parseFilterOption(request: ODataRequest, rule: FilterRule): FilterNode | undefined {
  const raw = request.query.get('$filter');
  if (raw === null) return undefined;
  const filter = parseFilter(raw);
  for (const path of filterPaths(filter)) {
    const joined = path.join('/');
    if (!rule.filterable.has(joined)) throw badRequest(`Invalid filter clause: property '${joined}' is not supported in $filter on this resource.`);
  }
  const operator = advancedOperator(filter);
  if (operator && rule.advancedQueries && !isAdvancedQuery(request)) {
    throw unsupportedQuery(
      `Operator '${operator}' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information`,
    );
  }
  return filter;
}

export function isAdvancedQuery(request: ODataRequest): boolean {
  return request.headers['consistencylevel']?.toLowerCase() === 'eventual' && request.query.get('$count') === 'true';
}

/** `$count=true` works on directory collections only with `ConsistencyLevel: eventual`. */
export function wantsCount(request: ODataRequest): boolean {
  if (request.query.get('$count') !== 'true') return false;
  if (!isAdvancedQuery(request)) throw badRequest('$count is not currently supported.', 'Request_BadRequest');
  return true;
}

export function parseOrderBy(request: ODataRequest, sortable: ReadonlySet<string>): { property: string; descending: boolean } | undefined {
  const raw = request.query.get('$orderby');
  if (raw === null || raw.trim() === '') return undefined;
  const [property = '', direction = 'asc'] = raw.trim().split(/\s+/);
  if (!sortable.has(property) || !['asc', 'desc'].includes(direction.toLowerCase())) throw unsupportedQuery(`Unsupported sort property or direction in '$orderby=${raw}'.`);
  return { property, descending: direction.toLowerCase() === 'desc' };
}

export function contextUrl(request: ODataRequest, fragment: string): string {
  return `${request.baseUrl}/${request.version}/$metadata#${fragment}`;
}

/** One page of a collection and, when more remain, Graph's absolute @odata.nextLink carrying every other option. */
export function page<T>(items: readonly T[], request: ODataRequest, rule: PagingRule): { value: T[]; nextLink?: string } {
  const top = parseTop(request, rule);
  const offset = parseSkipToken(request);
  const value = items.slice(offset, offset + top);
  if (offset + top >= items.length) return { value };
  return { value, nextLink: nextLinkAt(request, offset + top) };
}

/**
 * One page of a collection whose rows are filtered (or built) one by one. The $skiptoken holds the position in
 * `items` to resume from, so a page costs the rows it returns plus those the filter skips, never the whole
 * collection. The scan looks past the page for one more row, so a nextLink always leads to a non-empty page.
 */
export function scanPage<T, R>(items: readonly T[], request: ODataRequest, rule: PagingRule, row: (item: T) => R | undefined): { value: R[]; nextLink?: string } {
  const top = parseTop(request, rule);
  const value: R[] = [];
  for (let position = parseSkipToken(request); position < items.length; position += 1) {
    const out = row(items[position] as T);
    if (out === undefined) continue;
    if (value.length === top) return { value, nextLink: nextLinkAt(request, position) };
    value.push(out);
  }
  return { value };
}

function nextLinkAt(request: ODataRequest, offset: number): string {
  const parts: string[] = [];
  for (const [key, raw] of request.query) {
    if (key === '$skiptoken') continue;
    parts.push(`${key}=${encodeURIComponent(raw)}`);
  }
  parts.push(`$skiptoken=${Buffer.from(JSON.stringify({ offset })).toString('base64url')}`);
  return `${request.baseUrl}/${request.version}${request.resourcePath}?${parts.join('&')}`;
}

/** Keeps only the selected keys (and OData annotations), in the order asked. */
export function project(entity: Record<string, unknown>, select: readonly string[] | undefined, defaults: readonly string[]): Record<string, unknown> {
  const keys = select ?? defaults;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entity)) if (key.startsWith('@odata.')) out[key] = value;
  for (const key of keys) out[key] = entity[key] ?? null;
  return out;
}
