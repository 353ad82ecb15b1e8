// What of the conversation goes to the model: the newest turns that fit a token budget.
import type { Turn } from './types'

/** A rough token count (about four characters a token for English text and code). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4) + 4
}

/** The newest turns whose estimated size fits `budget` after the system prompt; the last turn is always kept. */
export function fitHistory(history: Turn[], budget: number, systemPrompt = ''): Turn[] {
  let remaining = budget - estimateTokens(systemPrompt)
  const kept: Turn[] = []
  for (let i = history.length - 1; i >= 0; i--) {
    const cost = estimateTokens(history[i]!.content)
    if (kept.length && cost > remaining) break
    kept.unshift(history[i]!)
    remaining -= cost
  }
  // Most providers want the conversation to open with the user.
  while (kept.length > 1 && kept[0]!.role !== 'user') kept.shift()
  return kept
}
