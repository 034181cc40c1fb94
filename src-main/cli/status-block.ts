/** A block of status lines at the bottom of a terminal, redrawn in place (cursor up, clear to the end). */
export function statusBlock(stream: { write(text: string): unknown; columns?: number }) {
  let shown = 0;
  return (lines: string[]) => {
    // Long lines would wrap and break the count of lines to move up, so each is cut to the terminal's width.
    const width = Math.max(20, (stream.columns ?? 120) - 1);
    const up = shown > 1 ? `\x1b[${shown - 1}A` : '';
    stream.write(`${up}\r\x1b[J${lines.map((line) => line.slice(0, width)).join('\n')}`);
    shown = lines.length;
    if (lines.length === 0) shown = 0;
  };
}
