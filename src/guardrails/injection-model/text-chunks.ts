/**
 * Splits a long text into overlapping windows for scoring (the policy takes the highest score
 * of any window). The model was trained on prompts of a few hundred characters, and a sentence
 * embedding of a whole document averages one injected sentence away; the overlap keeps an
 * attack that straddles a boundary whole in one window. Cuts fall on whitespace when there is
 * some in the window's last quarter.
 */
export function textChunks(text: string, size: number, overlap: number): string[] {
  if (text.length <= size) return [text];
  const chunks: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + size);
    if (end < text.length) {
      const space = text.lastIndexOf(' ', end);
      if (space > start + (size * 3) / 4) end = space;
    }
    chunks.push(text.slice(start, end));
    if (end >= text.length) break;
    start = Math.max(start + 1, end - overlap);
  }
  return chunks;
}
