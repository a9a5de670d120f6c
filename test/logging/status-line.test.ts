// The demo's progress line and the log share the terminal: every log line starts on a line of its own, and the
// progress line is drawn again below it. In a file or a pipe nothing is rewritten.

import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import { StatusLine } from '../../src/logging/status-line.js';
import { screenLines } from '../support/terminal-screen.js';

/** Two streams (stdout and stderr) writing to one terminal, as in a shell. */
function terminal(options: { stdoutIsTTY?: boolean; stderrIsTTY?: boolean } = {}) {
  let screen = '';
  const file: string[] = [];
  const toScreen = (text: string) => {
    screen += text;
  };
  const stdout = { isTTY: options.stdoutIsTTY ?? true, write: (text: string) => (options.stdoutIsTTY === false ? file.push(text) : toScreen(text)) };
  const stderr = { isTTY: options.stderrIsTTY ?? true, write: toScreen };
  return { stdout, stderr, screen: () => screenLines(screen), file };
}

describe('the status line and the log on one terminal', () => {
  it('writes each log line on a line of its own, and the progress below it', () => {
    const term = terminal();
    const status = new StatusLine(term.stderr);
    const logger = createLogger({ sink: status.around(term.stdout), now: () => new Date('2026-12-01T10:00:00Z') });
    status.show('campaign "Demo" [=====.....] targeted 22 · reached 11');
    logger.warn('rejected a body that is not an activity');
    status.show('campaign "Demo" [==========] targeted 22 · reached 22');
    logger.info('stopping');
    status.end();
    expect(term.screen()).toEqual([
      '{"time":"2026-12-01T10:00:00.000Z","level":"warn","msg":"rejected a body that is not an activity"}',
      '{"time":"2026-12-01T10:00:00.000Z","level":"info","msg":"stopping"}',
      'campaign "Demo" [==========] targeted 22 · reached 22',
    ]);
  });

  it('leaves the log alone before any progress is shown', () => {
    const term = terminal();
    const status = new StatusLine(term.stderr);
    status.around(term.stdout).write('{"msg":"listening"}\n');
    expect(term.screen()).toEqual(['{"msg":"listening"}']);
  });

  it('writes a line per change when the progress goes to a file, and never clears a log that goes to a file', () => {
    const piped = terminal({ stderrIsTTY: false });
    const status = new StatusLine(piped.stderr);
    status.show('step 1');
    status.around(piped.stdout).write('{"msg":"a"}\n');
    status.show('step 2');
    expect(piped.screen()).toEqual(['step 1', '{"msg":"a"}', 'step 2']);

    const logFile = terminal({ stdoutIsTTY: false });
    const onTerminal = new StatusLine(logFile.stderr);
    onTerminal.show('step 1');
    onTerminal.around(logFile.stdout).write('{"msg":"a"}\n');
    expect(logFile.file).toEqual(['{"msg":"a"}\n']);
    expect(logFile.screen()).toEqual(['step 1']);
  });
});
