// Slash commands people type: `/calc <expr>`, `/run` + a js code block, `/summarize`; and the
// fenced code blocks of a message, with the rule for which of them the sandbox may run.
export type SlashCommand
  = | { kind: 'calc', input: { expression: string } }
    | { kind: 'run-code', input: { code: string } }
    | { kind: 'summarize', input: Record<string, never> }

export const slashCommandHelp = [
  { command: '/calc', usage: '/calc 2 * (3 + 4)', description: 'Evaluate a math expression (mathjs)' },
  { command: '/run', usage: '/run ```js\nconsole.log(1 + 1)\n```', description: 'Run JavaScript in a sandbox' },
  { command: '/summarize', usage: '/summarize', description: 'Summarise this topic' },
] as const

export interface CodeBlock {
  /** The language tag, lower-cased; '' for an unlabelled block. */
  lang: string
  code: string
}

// A language tag counts only when a line break follows it: in "```console.log(1)```" the word is code.
// Each match scans from one fence to the next, so the whole text is read once.
const fence = /```(?:([\w+#-]*)[ \t]*\r?\n)?([\s\S]*?)```/
const fences = new RegExp(fence.source, 'g')

// Plain JavaScript only: QuickJS cannot parse TypeScript or JSX, and `node` code expects Node's APIs.
const RUNNABLE = new Set(['', 'js', 'javascript', 'mjs', 'cjs'])

/** Starts every refusal to run a block, so that a summary can recognise one. */
export const NOT_JAVASCRIPT = 'I only run JavaScript'

function toBlock(match: RegExpExecArray): CodeBlock {
  return { lang: (match[1] ?? '').toLowerCase(), code: match[2]!.trim() }
}

export function firstCodeBlock(text: string): CodeBlock | null {
  const match = fence.exec(text)
  return match ? toBlock(match) : null
}

export function isRunnable(block: CodeBlock): boolean {
  return RUNNABLE.has(block.lang)
}

/** The code of the first fenced block, or the text itself when it has no fence. */
export function extractCode(text: string): string {
  return firstCodeBlock(text)?.code ?? text.trim()
}

export function hasCodeFence(text: string): boolean {
  return fence.test(text)
}

/** A friendly refusal for a block the sandbox cannot run, naming its label. */
export function notJavaScriptMessage(lang: string): string {
  const label = `\`${lang.slice(0, 30)}\``
  if (/^(ts|tsx|typescript|jsx)$/.test(lang)) {
    return `${NOT_JAVASCRIPT}, and this block is labelled ${label}: the sandbox (QuickJS) cannot run TypeScript or JSX. Remove the type annotations or markup and send it as a \`\`\`js block.`
  }
  return `${NOT_JAVASCRIPT}, and this block is labelled ${label}, so I did not run it. If it is JavaScript, send it as a \`\`\`js block (or without a label).`
}

/**
 * The code to run from a message with fenced blocks: the first JavaScript (or unlabelled) block,
 * else a refusal naming the first block's language. Null when the message has no fenced block.
 */
export function codeToRun(text: string): { code: string } | { refusal: string } | null {
  let first: CodeBlock | null = null
  for (const match of text.matchAll(fences)) {
    const block = toBlock(match)
    if (isRunnable(block)) return { code: block.code }
    first ??= block
  }
  return first && { refusal: notJavaScriptMessage(first.lang) }
}

function runCommand(arg: string): SlashCommand | { error: string } {
  const fenced = codeToRun(arg)
  if (fenced && 'refusal' in fenced) return { error: fenced.refusal }
  const code = fenced ? fenced.code : arg.trim()
  return code ? { kind: 'run-code', input: { code } } : { error: 'Usage: /run followed by a ```js code block' }
}

const available = slashCommandHelp.map(c => c.command).join(', ')

// A command attempt is a slash and a word ending at white space, a code fence or the end: "/shrug"
// is one; "/usr/bin is a folder", "/ 2", "/2 is half" and "//calc" are ordinary text.
const COMMAND = /^\/([a-z][\w-]*)(?=[\s`]|$)([\s\S]*)$/i

/** The command in a message, an error for a malformed or unknown one, or null for ordinary text. */
export function parseSlashCommand(text: string): SlashCommand | { error: string } | null {
  const match = COMMAND.exec(text.trim())
  if (!match) return null
  const [, name, rest] = match as unknown as [string, string, string]
  const arg = rest.trim()
  switch (name.toLowerCase()) {
    case 'calc':
      return arg ? { kind: 'calc', input: { expression: arg } } : { error: 'Usage: /calc <expression>, for example /calc 2 * (3 + 4)' }
    case 'run':
      return runCommand(arg)
    case 'summarize':
    case 'summarise':
      return { kind: 'summarize', input: {} }
    default:
      return { error: `Unknown command \`/${name.slice(0, 30)}\`. Available: ${available}` }
  }
}
