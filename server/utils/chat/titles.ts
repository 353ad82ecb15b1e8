// The first title of a topic, from the message that created it.
import { extractCode, hasCodeFence } from '#shared/commands'

export function titleFrom(text: string): string {
  const prose = text.replace(/```[\s\S]*?```/g, ' ').replace(/[`#>]/g, '').replace(/\s+/g, ' ').trim()
  const line = prose || (hasCodeFence(text) ? `Code: ${extractCode(text).split('\n')[0]!.trim()}` : 'New chat')
  if (line.length <= 48) return line
  const cut = line.slice(0, 48)
  const space = cut.lastIndexOf(' ')
  return `${space > 20 ? cut.slice(0, space) : cut}…`
}
