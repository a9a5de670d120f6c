// What a terminal shows for what was written to it: carriage return, line feed and "erase to end of line" (the only
// controls the coach writes), with other escape sequences dropped. Tests read the screen's lines, not the bytes.

export function screenLines(written: string): string[] {
  const lines: string[] = [];
  let line: string[] = [];
  let column = 0;
  for (let i = 0; i < written.length; i++) {
    const char = written[i] as string;
    if (char === '\r') column = 0;
    else if (char === '\n') {
      lines.push(line.join('').trimEnd());
      line = [];
      column = 0;
    } else if (char === '\u001b') {
      // ESC [ parameters final-letter: the sequence after the escape character.
      const sequence = /^\[[0-9;?]*[A-Za-z]/.exec(written.slice(i + 1));
      if (sequence?.[0].endsWith('K')) line = line.slice(0, column);
      i += sequence?.[0].length ?? 0;
    } else {
      line[column] = char;
      column += 1;
    }
  }
  if (line.length > 0) lines.push(line.join('').trimEnd());
  return lines;
}
