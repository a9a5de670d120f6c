// Structured JSON-lines logging with child loggers; every line passes through the redactor.

import { Redactor } from './redact.js';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const RANK: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: 100 };

export interface Logger {
  trace(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  fatal(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose every line also carries `bindings` (a request id, a feature name). */
  child(bindings: Record<string, unknown>): Logger;
  isLevelEnabled(level: LogLevel): boolean;
}

export interface LogSink {
  write(line: string): void;
}

export interface LoggerOptions {
  level?: LogLevel;
  sink?: LogSink;
  redactor?: Redactor;
  bindings?: Record<string, unknown>;
  now?: () => Date;
}

class JsonLogger implements Logger {
  readonly #level: number;
  readonly #sink: LogSink;
  readonly #redactor: Redactor;
  readonly #bindings: Record<string, unknown>;
  readonly #now: () => Date;

  constructor(options: Required<LoggerOptions>) {
    this.#level = RANK[options.level];
    this.#sink = options.sink;
    this.#redactor = options.redactor;
    this.#bindings = options.bindings;
    this.#now = options.now;
  }

  trace(message: string, fields?: Record<string, unknown>): void { this.#log('trace', message, fields); }
  debug(message: string, fields?: Record<string, unknown>): void { this.#log('debug', message, fields); }
  info(message: string, fields?: Record<string, unknown>): void { this.#log('info', message, fields); }
  warn(message: string, fields?: Record<string, unknown>): void { this.#log('warn', message, fields); }
  error(message: string, fields?: Record<string, unknown>): void { this.#log('error', message, fields); }
  fatal(message: string, fields?: Record<string, unknown>): void { this.#log('fatal', message, fields); }

  isLevelEnabled(level: LogLevel): boolean {
    return level !== 'silent' && RANK[level] >= this.#level;
  }

  child(bindings: Record<string, unknown>): Logger {
    const level = (Object.keys(RANK) as LogLevel[]).find((name) => RANK[name] === this.#level) ?? 'info';
    return new JsonLogger({ level, sink: this.#sink, redactor: this.#redactor, bindings: { ...this.#bindings, ...bindings }, now: this.#now });
  }

  #log(level: Exclude<LogLevel, 'silent'>, message: string, fields?: Record<string, unknown>): void {
    if (!this.isLevelEnabled(level)) return;
    const entry = this.#redactor.redact({ time: this.#now().toISOString(), level, msg: message, ...this.#bindings, ...fields });
    let line: string;
    try {
      line = JSON.stringify(entry);
    } catch {
      // Only reachable with exotic values (e.g. a throwing toJSON); keep the message, drop the fields.
      line = JSON.stringify({ time: this.#now().toISOString(), level, msg: this.#redactor.redactText(message), logError: 'fields not serializable' });
    }
    this.#sink.write(`${line}\n`);
  }
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return new JsonLogger({
    level: options.level ?? 'info',
    sink: options.sink ?? process.stdout,
    redactor: options.redactor ?? new Redactor(),
    bindings: options.bindings ?? {},
    now: options.now ?? (() => new Date()),
  });
}

/** Collects lines in memory: for tests that assert on what was (not) logged. */
export class MemorySink implements LogSink {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
  entries(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
  text(): string {
    return this.lines.join('');
  }
}
