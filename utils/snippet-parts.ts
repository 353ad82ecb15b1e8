// A search result's snippet cut into plain and matched parts, so it renders as text and <mark>
// (never as HTML). Ranges out of bounds, empty or overlapping are clipped or merged.
export interface SnippetPart { text: string, match: boolean }

export function snippetParts(snippet: string, matches: ReadonlyArray<readonly [number, number]>): SnippetPart[] {
  const ranges = matches
    .map(([start, end]) => [Math.max(0, start), Math.min(snippet.length, end)] as const)
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0])
  const parts: SnippetPart[] = []
  let at = 0
  for (const [start, end] of ranges) {
    if (end <= at) continue
    const from = Math.max(start, at)
    if (from > at) parts.push({ text: snippet.slice(at, from), match: false })
    parts.push({ text: snippet.slice(from, end), match: true })
    at = end
  }
  if (at < snippet.length) parts.push({ text: snippet.slice(at), match: false })
  return parts
}
