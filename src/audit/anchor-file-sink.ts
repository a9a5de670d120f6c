// A local append-only file of anchors (JSON lines): opened with O_APPEND for every write and flushed to disk.

import { constants } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import type { AnchorSink, AnchorSource, AuditAnchor } from './audit-anchor.js';

/** Beside the SQLite database unless AUDIT_ANCHOR_FILE names another place. */
export const ANCHOR_FILE_NAME = 'audit-anchors.jsonl';

export class FileAnchorSink implements AnchorSink, AnchorSource {
  readonly name: string;

  constructor(readonly path: string) {
    this.name = path;
  }

  /**
   * Appends one line and fsyncs it. O_APPEND puts every write at the end whatever else writes the file, so this
   * code cannot overwrite a line; a line torn by a crash is closed first, so it never swallows the next anchor.
   */
  async write(anchor: AuditAnchor): Promise<void> {
    const handle = await open(this.path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, 0o640);
    try {
      const { size } = await handle.stat();
      let text = `${JSON.stringify(anchor)}\n`;
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) text = `\n${text}`;
      }
      await handle.write(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Every line; a file that does not exist yet holds no anchors (a new installation). */
  async readLines(): Promise<string[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return text.split('\n').filter((line) => line.trim() !== '');
  }
}
