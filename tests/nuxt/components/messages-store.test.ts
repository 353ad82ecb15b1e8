import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { Message } from '#shared/protocol'
import { DRAFT_TOPIC, useMessagesStore } from '~/stores/messages'

const T = 'top_1'

function msg(id: string, overrides: Partial<Message> = {}): Message {
  return {
    id,
    topicId: T,
    role: 'assistant',
    content: `content of ${id}`,
    status: 'complete',
    seq: 0,
    createdAt: '2024-01-01T00:00:00.000Z',
    ...overrides,
  }
}

const delta = (messageId: string, seq: number, text: string, topicId = T) => ({ topicId, messageId, seq, text })

let store: ReturnType<typeof useMessagesStore>

beforeEach(() => {
  setActivePinia(createPinia())
  store = useMessagesStore()
})

const ids = (topicId: string | null = T) => store.messagesOf(topicId).map(m => m.id)

describe('messages store: setHistory', () => {
  it('stores a first page and marks the thread loaded', () => {
    store.setHistory(T, [msg('a'), msg('b')], true)
    expect(ids()).toEqual(['a', 'b'])
    expect(store.threads[T]).toMatchObject({ hasMore: true, loaded: true })
  })

  it('replaces what was known with the new first page', () => {
    store.setHistory(T, [msg('a'), msg('b')], false)
    store.setHistory(T, [msg('b'), msg('c')], false)
    expect(ids()).toEqual(['b', 'c'])
  })

  it('keeps the local streaming copy when it is further along than the page', () => {
    store.setHistory(T, [msg('r', { status: 'streaming', content: 'Hello', seq: 1 })], false)
    expect(store.applyDeltaFrame(delta('r', 2, ' wor'))).toBe('applied')
    expect(store.applyDeltaFrame(delta('r', 3, 'ld'))).toBe('applied')
    store.setHistory(T, [msg('r', { status: 'streaming', content: 'Hello wor', seq: 2 })], false)
    expect(store.messagesOf(T)[0]).toMatchObject({ content: 'Hello world', seq: 3, status: 'streaming' })
  })

  it('takes the page copy when it is further along or final', () => {
    store.setHistory(T, [msg('r', { status: 'streaming', content: 'He', seq: 1 })], false)
    store.setHistory(T, [msg('r', { status: 'streaming', content: 'Hello', seq: 2 })], false)
    expect(store.messagesOf(T)[0]).toMatchObject({ content: 'Hello', seq: 2 })
    store.setHistory(T, [msg('r', { status: 'complete', content: 'Hello world', seq: 1 })], false)
    expect(store.messagesOf(T)[0]).toMatchObject({ content: 'Hello world', status: 'complete' })
  })

  it('keeps pending messages that the server has not echoed yet, after the page', () => {
    store.addPending(T, 'still sending', 'c1')
    store.setHistory(T, [msg('a')], false)
    expect(ids()).toEqual(['a', 'local:c1'])
    expect(store.messagesOf(T)[1]).toMatchObject({ pending: true, content: 'still sending' })
  })

  it('drops a pending message once the page contains its echo', () => {
    store.addPending(T, 'hi', 'c1')
    store.setHistory(T, [msg('u1', { role: 'user', content: 'hi', clientMessageId: 'c1' })], false)
    expect(ids()).toEqual(['u1'])
    expect(store.messagesOf(T)[0]!.pending).toBeUndefined()
  })

  it('puts an older page in front, without duplicating known messages', () => {
    store.setHistory(T, [msg('c'), msg('d')], true)
    store.setHistory(T, [msg('a'), msg('b'), msg('c')], false, true)
    expect(ids()).toEqual(['a', 'b', 'c', 'd'])
    expect(store.threads[T]!.hasMore).toBe(false)
  })
})

describe('messages store: upsert', () => {
  it('appends a new message and replaces a known one by id', () => {
    store.upsert(msg('a'))
    store.upsert(msg('b'))
    store.upsert(msg('a', { content: 'edited' }))
    expect(ids()).toEqual(['a', 'b'])
    expect(store.messagesOf(T)[0]!.content).toBe('edited')
  })

  it('replaces the optimistic pending message by clientMessageId, in place', () => {
    store.upsert(msg('a'))
    store.addPending(T, 'my question', 'c1')
    store.upsert(msg('u1', { role: 'user', content: 'my question', clientMessageId: 'c1' }))
    expect(ids()).toEqual(['a', 'u1'])
    expect(store.messagesOf(T)[1]!.pending).toBeUndefined()
  })

  it('does not match a pending message with another clientMessageId', () => {
    store.addPending(T, 'one', 'c1')
    store.upsert(msg('u2', { role: 'user', clientMessageId: 'c2' }))
    expect(ids()).toEqual(['local:c1', 'u2'])
  })

  it('keeps a streaming copy that is further along than a late created frame', () => {
    store.upsert(msg('r', { status: 'streaming', content: '', seq: 0 }))
    store.applyDeltaFrame(delta('r', 1, 'Hi'))
    store.upsert(msg('r', { status: 'streaming', content: '', seq: 0 }))
    expect(store.messagesOf(T)[0]).toMatchObject({ content: 'Hi', seq: 1 })
  })

  it('lets a completed frame end the stream, stopped flag included', () => {
    store.upsert(msg('r', { status: 'streaming', content: 'Hal', seq: 1 }))
    store.upsert({ ...msg('r', { status: 'stopped', content: 'Half', seq: 2 }), stopped: true })
    expect(store.messagesOf(T)[0]).toMatchObject({ status: 'stopped', content: 'Half', stopped: true })
    expect(store.streamingIn(T)).toBeUndefined()
  })
})

describe('messages store: drafts and pending sends', () => {
  it('keeps new-chat messages in the draft thread until adopted', () => {
    store.addPending(null, 'first message', 'c1')
    expect(store.messagesOf(null)).toHaveLength(1)
    expect(store.messagesOf(null)[0]).toMatchObject({ topicId: DRAFT_TOPIC, pending: true, role: 'user', content: 'first message' })
  })

  it('adoptDraft moves the draft message into the new topic, re-addressed', () => {
    store.addPending(null, 'first message', 'c1')
    store.addPending(null, 'another new chat', 'c2')
    store.adoptDraft('c1', 'top_new')
    expect(store.messagesOf(null).map(m => m.clientMessageId)).toEqual(['c2'])
    expect(store.messagesOf('top_new')).toEqual([expect.objectContaining({ clientMessageId: 'c1', topicId: 'top_new', pending: true })])
  })

  it('after adoption, the server echo replaces the moved message', () => {
    store.addPending(null, 'first message', 'c1')
    store.adoptDraft('c1', 'top_new')
    store.upsert(msg('u1', { topicId: 'top_new', role: 'user', content: 'first message', clientMessageId: 'c1' }))
    expect(store.messagesOf('top_new').map(m => m.id)).toEqual(['u1'])
  })

  it('adoptDraft without a draft does nothing', () => {
    store.adoptDraft('c9', 'top_new')
    expect(store.messagesOf('top_new')).toEqual([])
  })

  it('failPending marks the pending message with the send error', () => {
    store.addPending(T, 'hi', 'c1')
    store.failPending('c1', { code: 'send_failed', message: 'Topic not found' })
    expect(store.messagesOf(T)[0]!.sendError).toEqual({ code: 'send_failed', message: 'Topic not found' })
  })
})

describe('messages store: applyDeltaFrame', () => {
  beforeEach(() => store.setHistory(T, [msg('r', { status: 'streaming', content: 'a', seq: 1 })], false))

  it('applies the next delta', () => {
    expect(store.applyDeltaFrame(delta('r', 2, 'b'))).toBe('applied')
    expect(store.messagesOf(T)[0]).toMatchObject({ content: 'ab', seq: 2 })
    expect(store.streamingIn(T)?.id).toBe('r')
  })

  it('drops a stale delta and reports a gap without changing the text', () => {
    expect(store.applyDeltaFrame(delta('r', 1, 'a'))).toBe('stale')
    expect(store.applyDeltaFrame(delta('r', 3, 'c'))).toBe('gap')
    expect(store.messagesOf(T)[0]).toMatchObject({ content: 'a', seq: 1 })
  })

  it('reports an unknown message or topic', () => {
    expect(store.applyDeltaFrame(delta('nope', 1, 'x'))).toBe('unknown')
    expect(store.applyDeltaFrame(delta('r', 2, 'x', 'top_other'))).toBe('unknown')
  })
})

describe('messages store: remove and dropTopic', () => {
  it('removes only the listed messages of the topic', () => {
    store.setHistory(T, [msg('a'), msg('b'), msg('c')], false)
    store.setHistory('top_2', [msg('b', { topicId: 'top_2' })], false)
    store.remove(T, ['b', 'c', 'zzz'])
    expect(ids()).toEqual(['a'])
    expect(ids('top_2')).toEqual(['b'])
  })

  it('ignores an unknown topic', () => {
    store.remove('top_unknown', ['a'])
    expect(store.threads.top_unknown).toBeUndefined()
  })

  it('forgets a dropped topic entirely', () => {
    store.setHistory(T, [msg('a')], false)
    store.dropTopic(T)
    expect(store.threads[T]).toBeUndefined()
    expect(store.messagesOf(T)).toEqual([])
  })
})
