// Schema problems in words a person acts on: "PORT: must be a whole number from 0 to 65535 (it is "abc")" instead
// of the parser's "Expected number, received nan" or a dump of an enum. A secret's value is never repeated.

import type { ZodIssue } from 'zod';

/** One line per problem: the variable, what it must be, and what it is (unless it is secret). */
export function describeIssue(issue: ZodIssue, raw: Readonly<Record<string, string | undefined>>, secrets: ReadonlySet<string>): string {
  const name = issue.path.join('.') || '(config)';
  const value = raw[name];
  const shown = value === undefined || secrets.has(name) ? '' : ` (it is "${value.length > 60 ? `${value.slice(0, 57)}…` : value}")`;
  return `${name}: ${mustBe(issue)}${shown}`;
}

function mustBe(issue: ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'number') return 'must be a number';
      if (issue.expected === 'integer') return 'must be a whole number';
      return issue.expected === 'string' ? 'must be text' : `must be a ${issue.expected}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.multipleOf}`;
    case 'invalid_enum_value':
      return `must be one of ${listed(issue.options.map(String))}`;
    case 'too_small':
      if (issue.type === 'string') return `must be at least ${issue.minimum} characters`;
      return `must be ${issue.inclusive ? 'at least' : 'more than'} ${issue.minimum}`;
    case 'too_big':
      if (issue.type === 'string') return `must be at most ${issue.maximum} characters`;
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}`;
    default:
      // Our own messages (regexes, refinements) are written to be read; the parser's generic ones are not.
      return issue.message === 'Invalid' || issue.message === 'Invalid input' ? 'is not in a form the coach understands' : issue.message;
  }
}

/** "a, b or c". */
function listed(options: string[]): string {
  return options.length < 2 ? (options[0] ?? '') : `${options.slice(0, -1).join(', ')} or ${options.at(-1)}`;
}
