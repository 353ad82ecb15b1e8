// What of a conversation goes to the model: the newest turns within CONTEXT_TOKENS.
import { describe, expect, it } from 'vitest'
import { estimateTokens, fitHistory } from '../../server/utils/agents/context-window'
import type { Turn } from '../../server/utils/agents/types'

/** A turn of exactly `tokens` estimated tokens (4 characters a token, plus 4). */
function turn(role: Turn['role'], label: string, tokens = 10): Turn {
  return { role, content: label.padEnd((tokens - 4) * 4, '.') }
}

const user = (label: string, tokens?: number) => turn('user', label, tokens)
const assistant = (label: string, tokens?: number) => turn('assistant', label, tokens)

describe('estimateTokens', () => {
  it('counts about four characters a token, plus a little for the turn itself', () => {
    expect(estimateTokens('')).toBe(4)
    expect(estimateTokens('abcd')).toBe(5)
    expect(estimateTokens('abcde')).toBe(6)
    expect(estimateTokens('x'.repeat(4000))).toBe(1004)
    expect(estimateTokens(user('u', 37).content)).toBe(37)
  })
})

describe('fitHistory', () => {
  const conversation = [user('u1'), assistant('a1'), user('u2'), assistant('a2'), user('u3')]

  // Five turns of 10 tokens; no system prompt still counts as an empty one (4 tokens).
  it('keeps everything that fits, in order', () => {
    expect(fitHistory(conversation, 1000)).toEqual(conversation)
    expect(fitHistory(conversation, 54)).toEqual(conversation)
    expect(fitHistory([], 100)).toEqual([])
  })

  it('drops the oldest turns first', () => {
    // 30 tokens left: u3, a2 and u2 fit; a1 and u1 do not.
    expect(fitHistory(conversation, 34)).toEqual([user('u2'), assistant('a2'), user('u3')])
    expect(fitHistory(conversation, 53)).toEqual([user('u2'), assistant('a2'), user('u3')])
  })

  it('counts the system prompt against the budget', () => {
    const system = 'S'.repeat(24) // 10 tokens
    expect(fitHistory(conversation, 50, system)).toEqual([user('u2'), assistant('a2'), user('u3')])
    expect(fitHistory(conversation, 60, system)).toEqual(conversation)
  })

  it('opens with a user turn: an assistant turn left first is dropped too', () => {
    // 20 tokens left would keep a2 and u3; a2 goes, so that the model sees a user turn first.
    expect(fitHistory(conversation, 24)).toEqual([user('u3')])
    expect(fitHistory([assistant('greeting'), user('u1')], 100)).toEqual([user('u1')])
  })

  it('always keeps the last turn, even when it alone is over the budget', () => {
    expect(fitHistory([user('old'), assistant('reply'), user('huge', 5000)], 500)).toEqual([user('huge', 5000)])
    expect(fitHistory([user('only')], 1, 'a long system prompt')).toEqual([user('only')])
  })

  it('stops at the first turn that does not fit, without skipping over it to older ones', () => {
    const history = [user('s1', 5), assistant('big', 100), user('s2', 5)]
    expect(fitHistory(history, 50)).toEqual([user('s2', 5)])
  })

  it('does not change the history it is given', () => {
    const copy = structuredClone(conversation)
    fitHistory(conversation, 20, 'system')
    expect(conversation).toEqual(copy)
  })
})
