// The first title of a topic, from the message that created it: its prose without markdown, or,
// for a message that is only code, the language and what the code defines.
import { firstCodeBlock, type CodeBlock } from '#shared/commands'

const MAX = 48
// Enough text for any title; the rest of a long message is never read.
const READ = 2_000

const LANGUAGE_TAGS: [string, string][] = [
  ['JavaScript', 'js javascript mjs cjs jsx'], ['TypeScript', 'ts typescript tsx'], ['Python', 'py python'],
  ['Shell', 'sh bash shell zsh'], ['SQL', 'sql'], ['JSON', 'json'], ['HTML', 'html'], ['CSS', 'css'], ['Go', 'go'],
  ['Rust', 'rs rust'], ['Java', 'java'], ['C', 'c'], ['C++', 'cpp c++'], ['C#', 'cs c#'], ['Ruby', 'rb ruby'],
]
const LANGUAGES = new Map(LANGUAGE_TAGS.flatMap(([name, tags]) => tags.split(' ').map(tag => [tag, name] as const)))

// Markers that open a line: quote, heading, list item; repeated, as in "> - item".
const LINE_MARK = /^(?:>[ \t]?|#{1,6}(?=[ \t]|$)[ \t]*|[-*+][ \t]+|\d{1,9}[.)][ \t]+)/

/** Inline markdown as plain text. Every class stops at the next opening mark, so each is linear. */
function inlinePlain(line: string): string {
  return line
    .replace(/!?\[([^[\]\n]*)\]\([^()\n]*\)/g, '$1')
    .replace(/<(https?:\/\/[^<>\s]+)>/g, '$1')
    .replace(/<\/?[a-z][^<>\n]*>/gi, '')
    .replace(/\*\*|__|~~|`/g, '')
    // A lone * or _ is emphasis only against a word: "2 * 3" and snake_case keep theirs.
    .replace(/(^|\s)[*_](?=\S)/g, '$1')
    .replace(/(\S)[*_](?=\s|$|[.,;:!?)])/g, '$1')
}

interface Line { text: string, heading: boolean, row: boolean }

/** One line of prose, or null for a line that is only table syntax or markers. */
function plainLine(raw: string): Line | null {
  let line = raw.trim()
  let heading = false
  for (let mark = LINE_MARK.exec(line); mark && mark[0]; mark = LINE_MARK.exec(line)) {
    heading ||= mark[0].startsWith('#')
    line = line.slice(mark[0].length)
  }
  // A table's separator row (|---|:--:|) and rules (---) say nothing; its rows are their cells.
  if (/^[\s|:-]*$/.test(line)) return null
  const row = line.includes('|')
  if (row) line = line.split('|').map(cell => cell.trim()).filter(Boolean).join(', ')
  const text = inlinePlain(line).replace(/\s+/g, ' ').trim()
  return text ? { text, heading, row } : null
}

/**
 * The message's prose as one line. A heading that opens the message is the title by itself, and
 * a table is named by its header row.
 */
function prose(text: string): string {
  const plain: Line[] = []
  for (const raw of text.replace(/```[\s\S]*?```/g, '\n').slice(0, READ).split('\n')) {
    const line = plainLine(raw)
    if (line && !(line.row && plain.at(-1)?.row)) plain.push(line)
  }
  if (plain[0]?.heading) return plain[0].text
  return plain.map(line => line.text).join(' ')
}

// What a first line of code defines: `function total(order) {`, `const total = (order) =>`,
// `def total(order):`, `class Cart`. Anchored, and each class stops at its closing mark.
const DEFINES: [RegExp, (match: RegExpExecArray) => string][] = [
  [/^(?:export\s+)?(?:async\s+)?function\s*\*?\s*([\w$]+)\s*(\([^()]*\))/, m => `${m[1]}${m[2]}`],
  [/^(?:export\s+)?(?:const|let|var)\s+([\w$]+)\s*=\s*(?:async\s+)?(?:function\b[^(]*)?(\([^()]*\))\s*(?:=>|\{)/, m => `${m[1]}${m[2]}`],
  [/^(?:async\s+)?def\s+(\w+)\s*(\([^()]*\))/, m => `${m[1]}${m[2]}`],
  [/^(?:export\s+)?class\s+([\w$]+)/, m => `class ${m[1]}`],
]

function codeTitle(block: CodeBlock): string {
  const language = LANGUAGES.get(block.lang) ?? (block.lang ? block.lang[0]!.toUpperCase() + block.lang.slice(1) : 'Code')
  const first = block.code.split('\n', 50).map(line => line.trim()).find(line => line && !/^(\/\/|#|\/\*|\*|--)/.test(line)) ?? ''
  for (const [pattern, name] of DEFINES) {
    const match = pattern.exec(first)
    if (match) return `${language}: ${name(match)}`
  }
  // A line of punctuation ("{", "});") names nothing.
  return /[\p{L}\p{N}]/u.test(first) ? `${language}: ${first}` : `${language} snippet`
}

function cut(line: string): string {
  if (line.length <= MAX) return line
  const part = line.slice(0, MAX)
  const space = part.lastIndexOf(' ')
  return `${space > 20 ? part.slice(0, space) : part}…`
}

export function titleFrom(text: string): string {
  const line = prose(text)
  if (line) return cut(line)
  const block = firstCodeBlock(text)
  return block?.code ? cut(codeTitle(block)) : 'New chat'
}
