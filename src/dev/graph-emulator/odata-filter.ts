// A parser and evaluator for the part of OData $filter that Graph's directory and reports accept:
// eq/ne/gt/ge/lt/le, in, and/or/not, parentheses, startswith/endswith, and any/all lambdas.

import { badRequest } from './graph-errors.js';

type Literal = string | number | boolean | null;
type Operand = { kind: 'path'; path: string[] } | { kind: 'literal'; value: Literal };
export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'compare'; op: CompareOp; left: Operand; right: Operand }
  | { kind: 'in'; left: Operand; values: Literal[] }
  | { kind: 'call'; name: 'startswith' | 'endswith'; target: Operand; value: Operand }
  | { kind: 'lambda'; quantifier: 'any' | 'all'; path: string[]; variable: string; predicate: FilterNode };

type Token = { type: 'punct'; value: '(' | ')' | ',' | '/' | ':' } | { type: 'string'; value: string } | { type: 'word'; value: string } | { type: 'number'; value: number };

const COMPARE_OPS = new Set<string>(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === '(' || ch === ')' || ch === ',' || ch === '/' || ch === ':') {
      tokens.push({ type: 'punct', value: ch });
      i += 1;
    } else if (ch === "'") {
      let value = '';
      i += 1;
      for (;;) {
        if (i >= text.length) throw invalidFilter(text, 'an unterminated string literal');
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        value += text[i];
        i += 1;
      }
      tokens.push({ type: 'string', value });
    } else if (/[-0-9]/.test(ch)) {
      const match = /^-?\d+(\.\d+)?/.exec(text.slice(i));
      if (!match) throw invalidFilter(text, `an unexpected '${ch}'`);
      tokens.push({ type: 'number', value: Number(match[0]) });
      i += match[0].length;
    } else if (/[A-Za-z_@$]/.test(ch)) {
      const match = /^[A-Za-z_@$][\w@.$]*/.exec(text.slice(i)) as RegExpExecArray;
      tokens.push({ type: 'word', value: match[0] });
      i += match[0].length;
    } else {
      throw invalidFilter(text, `an unexpected '${ch}'`);
    }
  }
  return tokens;
}

const invalidFilter = (text: string, what: string) => badRequest(`Invalid filter clause: syntax error (${what}) in '${text}'.`);

class Parser {
  private position = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
  ) {}

  parse(): FilterNode {
    const node = this.parseOr();
    if (this.position < this.tokens.length) throw invalidFilter(this.text, `unexpected '${String(this.peek()?.value)}'`);
    return node;
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.position + offset];
  }

  private next(): Token {
    const token = this.tokens[this.position];
    if (!token) throw invalidFilter(this.text, 'an unexpected end');
    this.position += 1;
    return token;
  }

  private isWord(value: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token?.type === 'word' && token.value.toLowerCase() === value;
  }

  private isPunct(value: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token?.type === 'punct' && token.value === value;
  }

  private expectPunct(value: string): void {
    if (!this.isPunct(value)) throw invalidFilter(this.text, `'${value}' expected`);
    this.position += 1;
  }

  private parseOr(): FilterNode {
    let left = this.parseAnd();
    while (this.isWord('or')) {
      this.position += 1;
      left = { kind: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): FilterNode {
    let left = this.parseUnary();
    while (this.isWord('and')) {
      this.position += 1;
      left = { kind: 'and', left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): FilterNode {
    if (this.isWord('not')) {
      this.position += 1;
      return { kind: 'not', operand: this.parseUnary() };
    }
    if (this.isPunct('(')) {
      this.position += 1;
      const inner = this.parseOr();
      this.expectPunct(')');
      return inner;
    }
    if ((this.isWord('startswith') || this.isWord('endswith')) && this.isPunct('(', 1)) {
      const name = (this.next().value as string).toLowerCase() as 'startswith' | 'endswith';
      this.expectPunct('(');
      const target = this.parseOperand();
      this.expectPunct(',');
      const value = this.parseOperand();
      this.expectPunct(')');
      return { kind: 'call', name, target, value };
    }
    return this.parseComparison();
  }

  private parseComparison(): FilterNode {
    const start = this.parsePathOrLambda();
    if ('predicate' in start) return start;
    const left = start;
    const op = this.next();
    if (op.type !== 'word') throw invalidFilter(this.text, 'an operator expected');
    const opName = op.value.toLowerCase();
    if (opName === 'in') {
      this.expectPunct('(');
      const values: Literal[] = [this.parseLiteral()];
      while (this.isPunct(',')) {
        this.position += 1;
        values.push(this.parseLiteral());
      }
      this.expectPunct(')');
      return { kind: 'in', left, values };
    }
    if (!COMPARE_OPS.has(opName)) throw invalidFilter(this.text, `unknown operator '${op.value}'`);
    return { kind: 'compare', op: opName as CompareOp, left, right: this.parseOperand() };
  }

  private parsePathOrLambda(): Operand | Extract<FilterNode, { kind: 'lambda' }> {
    const token = this.peek();
    if (token?.type !== 'word' || ['true', 'false', 'null'].includes(token.value)) return this.parseOperand();
    const path = [this.next().value as string];
    while (this.isPunct('/')) {
      this.position += 1;
      const segment = this.next();
      if (segment.type !== 'word') throw invalidFilter(this.text, 'a property name expected after /');
      const lower = segment.value.toLowerCase();
      if ((lower === 'any' || lower === 'all') && this.isPunct('(')) {
        this.position += 1;
        const variable = this.next();
        if (variable.type !== 'word') throw invalidFilter(this.text, 'a lambda variable expected');
        this.expectPunct(':');
        const predicate = this.parseOr();
        this.expectPunct(')');
        return { kind: 'lambda', quantifier: lower, path, variable: variable.value, predicate };
      }
      path.push(segment.value);
    }
    return { kind: 'path', path };
  }

  private parseOperand(): Operand {
    const token = this.peek();
    if (token?.type === 'word' && !['true', 'false', 'null'].includes(token.value)) {
      const operand = this.parsePathOrLambda();
      if ('predicate' in operand) throw invalidFilter(this.text, 'a lambda cannot be compared');
      return operand;
    }
    return { kind: 'literal', value: this.parseLiteral() };
  }

  private parseLiteral(): Literal {
    const token = this.next();
    if (token.type === 'string' || token.type === 'number') return token.value;
    if (token.type === 'word' && token.value === 'true') return true;
    if (token.type === 'word' && token.value === 'false') return false;
    if (token.type === 'word' && token.value === 'null') return null;
    throw invalidFilter(this.text, `a literal expected, got '${String(token.value)}'`);
  }
}

export function parseFilter(text: string): FilterNode {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw badRequest("Invalid filter clause: the $filter option is empty.");
  return new Parser(tokens, text).parse();
}

/** Property paths a filter reads outside lambdas (lambda variables excluded), for validation. */
export function filterPaths(node: FilterNode, bound: ReadonlySet<string> = new Set()): string[][] {
  const fromOperand = (operand: Operand): string[][] => (operand.kind === 'path' && !bound.has(operand.path[0] as string) ? [operand.path] : []);
  switch (node.kind) {
    case 'and':
    case 'or':
      return [...filterPaths(node.left, bound), ...filterPaths(node.right, bound)];
    case 'not':
      return filterPaths(node.operand, bound);
    case 'compare':
      return [...fromOperand(node.left), ...fromOperand(node.right)];
    case 'in':
      return fromOperand(node.left);
    case 'call':
      return [...fromOperand(node.target), ...fromOperand(node.value)];
    case 'lambda':
      return [node.path, ...filterPaths(node.predicate, new Set([...bound, node.variable]))];
  }
}

/** Whether a filter needs Graph's "advanced query" mode on directory objects (ne, not, endswith). */
export function advancedOperator(node: FilterNode): string | undefined {
  switch (node.kind) {
    case 'and':
    case 'or':
      return advancedOperator(node.left) ?? advancedOperator(node.right);
    case 'not':
      return 'not';
    case 'compare':
      return node.op === 'ne' ? 'ne' : undefined;
    case 'in':
      return undefined;
    case 'call':
      return node.name === 'endswith' ? 'endsWith' : undefined;
    case 'lambda':
      return advancedOperator(node.predicate);
  }
}

/**
 * The equalities on `indexed` properties a filter requires, as alternatives: `p eq 'x'`, `p in ('x', 'y')`, either
 * side of an `and`, both sides of an `or`. Every row the filter accepts satisfies one of them, so a caller can look
 * rows up instead of scanning (and must still evaluate the whole filter). Undefined when no such list exists.
 */
export function requiredEqualities(node: FilterNode, indexed: ReadonlySet<string>): Array<{ property: string; value: string }> | undefined {
  const property = (operand: Operand) => (operand.kind === 'path' && operand.path.length === 1 && indexed.has(operand.path[0] as string) ? (operand.path[0] as string) : undefined);
  switch (node.kind) {
    case 'compare': {
      if (node.op !== 'eq') return undefined;
      for (const [path, literal] of [
        [node.left, node.right],
        [node.right, node.left],
      ] as const) {
        const name = property(path);
        if (name && literal.kind === 'literal' && typeof literal.value === 'string') return [{ property: name, value: literal.value }];
      }
      return undefined;
    }
    case 'in': {
      const name = property(node.left);
      if (!name || !node.values.every((value) => typeof value === 'string')) return undefined;
      return node.values.map((value) => ({ property: name, value: value as string }));
    }
    case 'and':
      return requiredEqualities(node.left, indexed) ?? requiredEqualities(node.right, indexed);
    case 'or': {
      const left = requiredEqualities(node.left, indexed);
      const right = left && requiredEqualities(node.right, indexed);
      return left && right ? [...left, ...right] : undefined;
    }
    default:
      return undefined;
  }
}

export type Resolve = (path: string[]) => unknown;

export function evaluateFilter(node: FilterNode, resolve: Resolve, scope: ReadonlyMap<string, unknown> = new Map()): boolean {
  const value = (operand: Operand): unknown => {
    if (operand.kind === 'literal') return operand.value;
    const [head, ...rest] = operand.path;
    if (head !== undefined && scope.has(head)) return rest.reduce<unknown>((current, key) => (isRecord(current) ? current[key] : undefined), scope.get(head));
    return resolve(operand.path);
  };
  switch (node.kind) {
    case 'and':
      return evaluateFilter(node.left, resolve, scope) && evaluateFilter(node.right, resolve, scope);
    case 'or':
      return evaluateFilter(node.left, resolve, scope) || evaluateFilter(node.right, resolve, scope);
    case 'not':
      return !evaluateFilter(node.operand, resolve, scope);
    case 'compare':
      return compare(node.op, value(node.left), value(node.right));
    case 'in': {
      const left = value(node.left);
      return node.values.some((candidate) => compare('eq', left, candidate));
    }
    case 'call': {
      const target = value(node.target);
      const prefix = value(node.value);
      if (typeof target !== 'string' || typeof prefix !== 'string') return false;
      return node.name === 'startswith' ? target.toLowerCase().startsWith(prefix.toLowerCase()) : target.toLowerCase().endsWith(prefix.toLowerCase());
    }
    case 'lambda': {
      const collection = resolve(node.path);
      const items = Array.isArray(collection) ? collection : [];
      const test = (item: unknown) => evaluateFilter(node.predicate, resolve, new Map([...scope, [node.variable, item]]));
      return node.quantifier === 'any' ? items.some(test) : items.every(test);
    }
  }
}

function compare(op: CompareOp, left: unknown, right: unknown): boolean {
  const a = typeof left === 'string' ? left.toLowerCase() : left;
  const b = typeof right === 'string' ? right.toLowerCase() : right;
  switch (op) {
    case 'eq':
      return a === b || (a === undefined && b === null);
    case 'ne':
      return !(a === b || (a === undefined && b === null));
    default: {
      if (a === null || a === undefined || b === null || b === undefined) return false;
      if (typeof a !== typeof b) return false;
      const x = a as string | number;
      const y = b as string | number;
      if (op === 'gt') return x > y;
      if (op === 'ge') return x >= y;
      if (op === 'lt') return x < y;
      return x <= y;
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
