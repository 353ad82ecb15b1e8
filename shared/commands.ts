// Slash commands people type: `/calc <expr>`, `/run` + a js code block, `/summarize`.
export type SlashCommand
  = | { kind: 'calc', input: { expression: string } }
    | { kind: 'run-code', input: { code: string } }
    | { kind: 'summarize', input: Record<string, never> }

export const slashCommandHelp = [
  { command: '/calc', usage: '/calc 2 * (3 + 4)', description: 'Evaluate a math expression (mathjs)' },
  { command: '/run', usage: '/run ```js\nconsole.log(1 + 1)\n```', description: 'Run JavaScript in a sandbox' },
  { command: '/summarize', usage: '/summarize', description: 'Summarise this topic' },
] as const

// A language tag counts only when a line break follows it: in "```console.log(1)```" the word is code.
const fence = /```(?:[\w-]*[ \t]*\r?\n)?([\s\S]*?)```/

/** The code of the first fenced block, or the text itself when it has no fence. */
export function extractCode(text: string): string {
  const match = fence.exec(text)
  return (match ? match[1]! : text).trim()
}

export function hasCodeFence(text: string): boolean {
  return fence.test(text)
}

/** The command in a message, an error for a malformed one, or null for ordinary text. */
export function parseSlashCommand(text: string): SlashCommand | { error: string } | null {
  const match = /^\/(\w+)\b([\s\S]*)$/.exec(text.trim())
  if (!match) return null
  const [, name, rest] = match as unknown as [string, string, string]
  const arg = rest.trim()
  switch (name.toLowerCase()) {
    case 'calc':
      return arg ? { kind: 'calc', input: { expression: arg } } : { error: 'Usage: /calc <expression>, for example /calc 2 * (3 + 4)' }
    case 'run': {
      const code = extractCode(arg)
      return code ? { kind: 'run-code', input: { code } } : { error: 'Usage: /run followed by a ```js code block' }
    }
    case 'summarize':
    case 'summarise':
      return { kind: 'summarize', input: {} }
    default:
      return null
  }
}
