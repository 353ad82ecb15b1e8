// The messages store's own actions (the reducer's unit tests cover the frames): optimistic sends,
// their failure, pages loaded over HTTP, and forgetting topics.
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { Message } from '#shared/protocol'
import { DRAFT_TOPIC } from '~/utils/chat-thread'
import { useMessagesStore } from '~/stores/messages'

const T = 'top_1'
const msg = (id: string, overrides: Partial<Message> = {}): Message => ({ id, topicId: T, role: 'assistant', content: `content of ${id}`, status: 'complete', seq: 0, createdAt: '2024-01-01T00:00:00.000Z', ...overrides })

let store: ReturnType<typeof useMessagesStore>
beforeEach(() => {
  setActivePinia(createPinia())
  store = useMessagesStore()
})
const ids = (topicId: string | null = T) => store.messagesOf(topicId).map(m => m.id)

describe('messages store', () => {
  it('keeps a new chat in the draft thread', () => {
    store.addPending(null, 'first message', 'c1')
    expect(store.messagesOf(null)).toEqual([expect.objectContaining({ topicId: DRAFT_TOPIC, pending: true, role: 'user', content: 'first message' })])
  })

  it('marks the failed send on its pending message, in whichever thread', () => {
    store.setHistory(T, [msg('a')], false)
    store.addPending(T, 'hi', 'c1')
    const before = store.threads
    store.failPending('c1', { code: 'send_failed', message: 'Topic not found' })
    expect(store.messagesOf(T)[1]!.sendError).toEqual({ code: 'send_failed', message: 'Topic not found' })
    // A new object: whatever shows the thread sees the change (the state is a shallow ref).
    expect(store.threads).not.toBe(before)
  })

  it('a page over HTTP replaces the thread; older pages go in front', () => {
    store.setHistory(T, [msg('c'), msg('d')], true)
    store.setHistory(T, [msg('a'), msg('b')], false, 'older')
    expect(ids()).toEqual(['a', 'b', 'c', 'd'])
    expect(store.threads[T]).toMatchObject({ hasMore: false, loaded: true })
  })

  it('finds the streaming reply of a topic', () => {
    store.setHistory(T, [msg('a'), msg('r', { status: 'streaming' })], false)
    expect(store.streamingIn(T)?.id).toBe('r')
    expect(store.streamingIn('other')).toBeUndefined()
  })

  it('forgets one topic, or everything', () => {
    store.setHistory(T, [msg('a')], false)
    store.setHistory('top_2', [msg('b', { topicId: 'top_2' })], false)
    store.dropTopic(T)
    expect(store.threads[T]).toBeUndefined()
    expect(ids('top_2')).toEqual(['b'])
    store.reset()
    expect(store.threads).toEqual({})
  })
})
