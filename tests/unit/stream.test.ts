import { describe, expect, it } from 'vitest'
import type { Message } from '#shared/protocol'
import { applyDelta, deltaOutcome, newerMessage } from '#shared/stream'

function message(overrides: Partial<Message> = {}): Message {
  return {
    id: 'msg_1',
    topicId: 'top_1',
    role: 'assistant',
    content: 'Hello',
    status: 'streaming',
    seq: 2,
    createdAt: '2024-01-01T00:00:00.000Z',
    ...overrides,
  }
}

const delta = (seq: number, text: string) => ({ topicId: 'top_1', messageId: 'msg_1', seq, text })

describe('deltaOutcome', () => {
  it('applies exactly the next seq', () => {
    expect(deltaOutcome(0, 1)).toBe('applied')
    expect(deltaOutcome(4, 5)).toBe('applied')
  })

  it('treats a seq already seen as stale', () => {
    expect(deltaOutcome(4, 4)).toBe('stale')
    expect(deltaOutcome(4, 1)).toBe('stale')
  })

  it('reports a gap when a seq was skipped', () => {
    expect(deltaOutcome(4, 6)).toBe('gap')
    expect(deltaOutcome(0, 2)).toBe('gap')
  })
})

describe('applyDelta', () => {
  it('appends the next delta and advances seq', () => {
    const m = message({ content: 'Hel', seq: 2 })
    expect(applyDelta(m, delta(3, 'lo'))).toBe('applied')
    expect(m).toMatchObject({ content: 'Hello', seq: 3 })
  })

  it('applies consecutive deltas in order', () => {
    const m = message({ content: '', seq: 0 })
    for (const [i, piece] of ['a', 'b', 'c'].entries()) expect(applyDelta(m, delta(i + 1, piece))).toBe('applied')
    expect(m).toMatchObject({ content: 'abc', seq: 3 })
  })

  it('drops a stale delta without changing the message (no duplicated text after a resume)', () => {
    const m = message({ content: 'Hello', seq: 2 })
    expect(applyDelta(m, delta(2, 'lo'))).toBe('stale')
    expect(applyDelta(m, delta(1, 'Hel'))).toBe('stale')
    expect(m).toMatchObject({ content: 'Hello', seq: 2 })
  })

  it('reports a gap and leaves the message unchanged (no text out of order)', () => {
    const m = message({ content: 'Hello', seq: 2 })
    expect(applyDelta(m, delta(4, ' world'))).toBe('gap')
    expect(m).toMatchObject({ content: 'Hello', seq: 2 })
  })

  it.each(['complete', 'failed', 'stopped'] as const)('ignores deltas for a %s message', (status) => {
    const m = message({ content: 'Done', seq: 2, status })
    expect(applyDelta(m, delta(3, ' more'))).toBe('stale')
    expect(m).toMatchObject({ content: 'Done', seq: 2, status })
  })
})

describe('newerMessage', () => {
  it('keeps the local streaming copy when it has seen more deltas', () => {
    const local = message({ content: 'Hello wor', seq: 5 })
    const incoming = message({ content: 'Hello', seq: 3 })
    expect(newerMessage(local, incoming)).toBe(local)
  })

  it('takes the incoming streaming copy when it is further along', () => {
    const local = message({ content: 'Hello', seq: 3 })
    const incoming = message({ content: 'Hello wor', seq: 5 })
    expect(newerMessage(local, incoming)).toBe(incoming)
  })

  it('takes the incoming copy when both streaming copies are at the same seq', () => {
    const local = message({ seq: 3 })
    const incoming = message({ seq: 3 })
    expect(newerMessage(local, incoming)).toBe(incoming)
  })

  it.each(['complete', 'failed', 'stopped'] as const)('a final incoming copy (%s) beats a streaming one, whatever its seq', (status) => {
    const local = message({ seq: 9 })
    const incoming = message({ status, seq: 4 })
    expect(newerMessage(local, incoming)).toBe(incoming)
  })

  it.each(['complete', 'failed', 'stopped'] as const)('a final local copy (%s) is not replaced by a late streaming one', (status) => {
    const local = message({ status, seq: 4 })
    const incoming = message({ seq: 9 })
    expect(newerMessage(local, incoming)).toBe(local)
  })

  it('between two final copies, the incoming one wins (the server is the authority)', () => {
    const local = message({ status: 'complete', content: 'old' })
    const incoming = message({ status: 'complete', content: 'edited' })
    expect(newerMessage(local, incoming)).toBe(incoming)
  })

  it('a failed copy with less text than was seen (an interrupted reply) keeps the seen text and takes the failure', () => {
    const local = message({ content: 'Hello world, this is', seq: 7 })
    const error = { code: 'interrupted', message: 'The server stopped' }
    const incoming = message({ status: 'failed', content: 'Hello wor', seq: 3, error })
    expect(newerMessage(local, incoming)).toMatchObject({ status: 'failed', content: 'Hello world, this is', seq: 7, error })
  })

  it('a failed copy that does not continue the seen text is taken as it is', () => {
    const local = message({ content: 'Hello world', seq: 7 })
    const incoming = message({ status: 'failed', content: 'Other', seq: 3 })
    expect(newerMessage(local, incoming)).toBe(incoming)
  })

  it('a stopped or complete copy is the authority even when shorter', () => {
    const local = message({ content: 'Hello world', seq: 7 })
    for (const status of ['stopped', 'complete'] as const) {
      const incoming = message({ status, content: 'Hello', seq: 3 })
      expect(newerMessage(local, incoming)).toBe(incoming)
    }
  })
})
