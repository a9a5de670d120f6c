// One line on the terminal that is rewritten in place (the demo's campaign progress), and log lines that go above
// it: on a terminal the log line clears the status line first and the status line is drawn again after it, instead of
// the log line starting where the status line's last character left the cursor.

import type { LogSink } from './logger.js';

export interface TerminalStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

const CLEAR_LINE = '\r\u001b[K';

export class StatusLine {
  #shown = '';

  constructor(private readonly out: TerminalStream) {}

  /** Rewrites the line in place on a terminal; elsewhere (a file, a pipe) each change is a line of its own. */
  show(text: string): void {
    if (!this.out.isTTY) {
      this.out.write(`${text}\n`);
      return;
    }
    this.#shown = text;
    this.out.write(`${CLEAR_LINE}${text}`);
  }

  /** Leaves the last status where it is and moves to a fresh line, for whatever is written next. */
  end(): void {
    if (this.out.isTTY && this.#shown) this.out.write('\n');
    this.#shown = '';
  }

  /** `sink`, writing each log line above the status line when both are on the terminal. */
  around(sink: LogSink & { isTTY?: boolean }): LogSink {
    return {
      write: (line) => {
        if (!this.#shown || !this.out.isTTY || !sink.isTTY) {
          sink.write(line);
          return;
        }
        this.out.write(CLEAR_LINE);
        sink.write(line);
        this.out.write(this.#shown);
      },
    };
  }
}
