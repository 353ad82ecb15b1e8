// The client's frame → state reducer, frame by frame: what each server frame does to the topics,
// messages and tasks the browser holds, and which effects it asks the socket plugin to carry out.
import { describe, expect, it } from 'vitest'
import type { Message, ServerFrame, Task, Topic } from '#shared/protocol'
import { emptyChatState, reduceFrame, type ChatState, type FrameContext } from '../../utils/chat-reducer'
import { DRAFT_TOPIC, WINDOW_MESSAGES, pendingMessage, type PageKind } from '../../utils/chat-thread'

const T = 'top_1'

function msg(id: string, overrides: Partial<Message> = {}): Message {
  return { id, topicId: T, role: 'assistant', content: `content of ${id}`, status: 'complete', seq: 0, createdAt: '2024-01-01T00:00:00.000Z', ...overrides }
}
function topic(id: string, title = id): Topic {
  return { id, title, agentId: 'assistant', createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z' }
}
function task(id: string, overrides: Partial<Task> = {}): Task {
  return { id, topicId: T, kind: 'calc', title: 'calc', status: 'running', progress: null, createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:01.000Z', ...overrides }
}

function ctx(overrides: Partial<FrameContext> & { pageQueue?: Record<string, PageKind[]> } = {}): FrameContext {
  const { pageQueue = {}, ...rest } = overrides
  return { currentTopicId: T, pages: id => pageQueue[id] ?? [], newChats: new Set(), ...rest }
}

/** Runs frames in order from `state`, collecting every effect. */
function run(state: ChatState, frames: ServerFrame[], context = ctx()) {
  const effects = []
  for (const frame of frames) {
    const result = reduceFrame(state, frame, context)
    state = result.state
    effects.push(...result.effects)
  }
  return { state, effects }
}

const f = {
  history: (messages: Message[], extra: { hasMore?: boolean, hasNewer?: boolean, reset?: boolean, tasks?: Task[] } = {}): ServerFrame =>
    ({ type: 'topic.history', payload: { topicId: T, messages, tasks: extra.tasks ?? [], hasMore: extra.hasMore ?? false, hasNewer: extra.hasNewer, reset: extra.reset } }),
  created: (message: Message): ServerFrame => ({ type: 'message.created', payload: { message } }),
  delta: (messageId: string, seq: number, text: string, topicId = T): ServerFrame => ({ type: 'message.delta', payload: { topicId, messageId, seq, text } }),
  completed: (message: Message & { stopped?: boolean }): ServerFrame => ({ type: 'message.completed', payload: { message } }),
  deleted: (messageIds: string[]): ServerFrame => ({ type: 'message.deleted', payload: { topicId: T, messageIds } }),
}

const ids = (state: ChatState, topicId = T) => state.threads[topicId]?.messages.map(m => m.id) ?? []

function loaded(messages: Message[], extra: { hasMore?: boolean, hasNewer?: boolean } = {}): ChatState {
  return run(emptyChatState(), [f.history(messages, extra)]).state
}

describe('session.ready', () => {
  const ready = (userId: string): ServerFrame => ({ type: 'session.ready', payload: { user: { id: userId, name: null, guest: true }, agents: [], topics: [topic('a')] } })

  it('takes the user, agents and topics, and asks for the open topic again', () => {
    const { state, effects } = run(emptyChatState(), [ready('u1')])
    expect(state.user?.id).toBe('u1')
    expect(state.topics.map(t => t.id)).toEqual(['a'])
    expect(effects).toEqual([{ type: 'ready' }, { type: 'resync', topicId: T }])
  })

  it('forgets everything of another identity and leaves its topic page', () => {
    const before = { ...loaded([msg('m1')]), user: { id: 'u1', name: null, guest: true }, tasks: { [T]: [task('k1')] } }
    const { state, effects } = run(before, [ready('u2')])
    expect(state.threads).toEqual({})
    expect(state.tasks).toEqual({})
    expect(effects).toEqual([{ type: 'navigate', to: '/' }, { type: 'ready' }])
  })

  it('keeps what it holds on a reconnect of the same identity', () => {
    const before = { ...loaded([msg('m1')]), user: { id: 'u1', name: null, guest: true } }
    expect(ids(run(before, [ready('u1')]).state)).toEqual(['m1'])
  })
})

describe('topics', () => {
  it('adds a created topic and replaces an updated one', () => {
    const { state } = run(emptyChatState(), [
      { type: 'topic.created', payload: { topic: topic('a', 'First') } },
      { type: 'topic.created', payload: { topic: topic('b') } },
      { type: 'topic.updated', payload: { topic: topic('a', 'Renamed') } },
    ])
    expect(state.topics.map(t => `${t.id}:${t.title}`)).toEqual(['a:Renamed', 'b:b'])
  })

  it('a deleted topic takes its messages and tasks along, and leaves its page when open', () => {
    const before = { ...loaded([msg('m1')]), topics: [topic(T), topic('other')], tasks: { [T]: [task('k1')] } }
    const { state, effects } = run(before, [{ type: 'topic.deleted', payload: { topicId: T } }])
    expect(state.topics.map(t => t.id)).toEqual(['other'])
    expect(state.threads[T]).toBeUndefined()
    expect(state.tasks[T]).toBeUndefined()
    expect(effects).toEqual([{ type: 'navigate', to: '/' }])
    expect(run(before, [{ type: 'topic.deleted', payload: { topicId: T } }], ctx({ currentTopicId: 'other' })).effects).toEqual([])
  })
})

describe('topic.history', () => {
  it('a first page replaces what was held, with its tasks, and marks the thread loaded', () => {
    const { state } = run(loaded([msg('old')]), [f.history([msg('a'), msg('b')], { hasMore: true, tasks: [task('k1')] })])
    expect(ids(state)).toEqual(['a', 'b'])
    expect(state.threads[T]).toMatchObject({ hasMore: true, hasNewer: false, loaded: true })
    expect(state.tasks[T]!.map(t => t.id)).toEqual(['k1'])
  })

  it('an older page goes in front without duplicates, and its answer is reported', () => {
    const { state, effects } = run(loaded([msg('c'), msg('d')], { hasMore: true }), [f.history([msg('a'), msg('b'), msg('c')])], ctx({ pageQueue: { [T]: ['older'] } }))
    expect(ids(state)).toEqual(['a', 'b', 'c', 'd'])
    expect(state.threads[T]!.hasMore).toBe(false)
    expect(effects).toEqual([{ type: 'page-answered', topicId: T }])
  })

  it('an older page leaves the tasks alone', () => {
    const before = { ...loaded([msg('c')], { hasMore: true }), tasks: { [T]: [task('k1')] } }
    const { state } = run(before, [f.history([msg('a')], { tasks: [] })], ctx({ pageQueue: { [T]: ['older'] } }))
    expect(state.tasks[T]!.map(t => t.id)).toEqual(['k1'])
  })

  it('paging far back drops the newest messages beyond the window and says newer ones exist', () => {
    const page = (from: number) => Array.from({ length: 100 }, (_, i) => msg(`m${String(from + i).padStart(5, '0')}`))
    let state = loaded(page(10_000), { hasMore: true })
    for (let from = 9_900; from >= 9_500; from -= 100) {
      state = run(state, [f.history(page(from), { hasMore: true })], ctx({ pageQueue: { [T]: ['older'] } })).state
    }
    const thread = state.threads[T]!
    expect(thread.messages).toHaveLength(WINDOW_MESSAGES)
    expect(thread.messages[0]!.id).toBe('m09500')
    expect(thread.messages.at(-1)!.id).toBe(`m${String(9_500 + WINDOW_MESSAGES - 1).padStart(5, '0')}`)
    expect(thread).toMatchObject({ hasMore: true, hasNewer: true })
  })

  it('a newer page is appended, trimming the oldest beyond the window', () => {
    const page = (from: number) => Array.from({ length: 150 }, (_, i) => msg(`n${from + i}`))
    let state = loaded(page(0), { hasMore: false, hasNewer: true })
    state = run(state, [f.history(page(150), { hasNewer: true })], ctx({ pageQueue: { [T]: ['newer'] } })).state
    state = run(state, [f.history(page(300), { hasNewer: false })], ctx({ pageQueue: { [T]: ['newer'] } })).state
    const thread = state.threads[T]!
    expect(thread.messages).toHaveLength(WINDOW_MESSAGES)
    expect(thread.messages.at(-1)!.id).toBe('n449')
    expect(thread).toMatchObject({ hasMore: true, hasNewer: false })
  })

  it('a server that ignores `after` (no hasNewer in its answer) gets its latest page taken whole', () => {
    const state = loaded([msg('x1'), msg('x2')], { hasNewer: true })
    const { state: next } = run(state, [f.history([msg('y1'), msg('y2')], { hasMore: true })], ctx({ pageQueue: { [T]: ['newer'] } }))
    expect(ids(next)).toEqual(['y1', 'y2'])
    expect(next.threads[T]).toMatchObject({ hasMore: true, hasNewer: false })
  })

  it('reset replaces the thread whatever was asked (a branch switch, a restore, a page around a message)', () => {
    const { state } = run(loaded([msg('a'), msg('b'), msg('c')]), [f.history([msg('a'), msg('b2')], { reset: true, hasNewer: true })], ctx({ pageQueue: { [T]: ['older'] } }))
    expect(ids(state)).toEqual(['a', 'b2'])
    expect(state.threads[T]!.hasNewer).toBe(true)
  })

  it('keeps the local streaming copy when it is further along than the page', () => {
    let state = loaded([msg('r', { status: 'streaming', content: 'Hello', seq: 1 })])
    state = run(state, [f.delta('r', 2, ' wor'), f.delta('r', 3, 'ld'), f.history([msg('r', { status: 'streaming', content: 'Hello wor', seq: 2 })])]).state
    expect(state.threads[T]!.messages[0]).toMatchObject({ content: 'Hello world', seq: 3, status: 'streaming' })
  })

  it('keeps messages sent from this tab that the page does not have yet, and drops those it echoes', () => {
    const before: ChatState = { ...emptyChatState(), threads: { [T]: { messages: [pendingMessage(T, 'still sending', 'c1'), pendingMessage(T, 'hi', 'c2')], hasMore: false, hasNewer: false, loaded: true } } }
    const { state } = run(before, [f.history([msg('u2', { role: 'user', content: 'hi', clientMessageId: 'c2' })])])
    expect(ids(state)).toEqual(['u2', 'local:c1'])
  })
})

describe('messages', () => {
  it('message.created appends, and replaces the optimistic copy by clientMessageId in place', () => {
    const before: ChatState = { ...loaded([msg('a')]) }
    before.threads[T] = { ...before.threads[T]!, messages: [...before.threads[T]!.messages, pendingMessage(T, 'my question', 'c1')] }
    const { state } = run(before, [f.created(msg('u1', { role: 'user', content: 'my question', clientMessageId: 'c1' })), f.created(msg('r1', { status: 'streaming', content: '' }))])
    expect(ids(state)).toEqual(['a', 'u1', 'r1'])
    expect(state.threads[T]!.messages[1]!.pending).toBeUndefined()
  })

  it('a message of a topic not loaded yet starts its thread', () => {
    const { state } = run(emptyChatState(), [f.created(msg('r1', { topicId: 'top_2' }))])
    expect(ids(state, 'top_2')).toEqual(['r1'])
  })

  it('does not append past a window that ends before the newest messages', () => {
    const state = loaded([msg('a')], { hasNewer: true })
    expect(ids(run(state, [f.created(msg('z'))]).state)).toEqual(['a'])
  })

  it('deltas apply by seq: the next one is appended, a stale one dropped, a gap asks for the topic again', () => {
    const start = loaded([msg('r', { status: 'streaming', content: 'a', seq: 1 })])
    const { state, effects } = run(start, [f.delta('r', 2, 'b'), f.delta('r', 2, 'b'), f.delta('r', 4, 'd')])
    expect(state.threads[T]!.messages[0]).toMatchObject({ content: 'ab', seq: 2 })
    expect(effects).toEqual([{ type: 'resync', topicId: T }])
  })

  it('a delta never mutates the state it was given', () => {
    const start = loaded([msg('r', { status: 'streaming', content: 'a', seq: 1 })])
    const frozen = structuredClone(start)
    const { state } = run(start, [f.delta('r', 2, 'b')])
    expect(start).toEqual(frozen)
    expect(state.threads[T]!.messages[0]!.content).toBe('ab')
  })

  it('a delta for an unknown message resyncs the open topic only, and not while its page is on the way', () => {
    expect(run(emptyChatState(), [f.delta('nope', 1, 'x')]).effects).toEqual([{ type: 'resync', topicId: T }])
    expect(run(emptyChatState(), [f.delta('nope', 1, 'x', 'top_other')]).effects).toEqual([])
    expect(run(emptyChatState(), [f.delta('nope', 1, 'x')], ctx({ pageQueue: { [T]: ['replace'] } })).effects).toEqual([])
  })

  it('completed ends the stream with the stopped flag; a late streaming copy cannot bring it back', () => {
    const start = loaded([msg('r', { status: 'streaming', content: 'Hal', seq: 1 })])
    const { state } = run(start, [f.completed({ ...msg('r', { status: 'stopped', content: 'Half', seq: 2 }), stopped: true }), f.created(msg('r', { status: 'streaming', content: '', seq: 0 }))])
    expect(state.threads[T]!.messages[0]).toMatchObject({ status: 'stopped', content: 'Half', stopped: true })
  })

  it('message.failed keeps the text already seen when the final copy holds less', () => {
    const start = loaded([msg('r', { status: 'streaming', content: 'Hello wor', seq: 3 })])
    const failed = { ...msg('r', { status: 'failed', content: 'Hello', seq: 1 }), error: { code: 'interrupted', message: 'Server stopped' } }
    const { state } = run(start, [{ type: 'message.failed', payload: { message: failed } }])
    expect(state.threads[T]!.messages[0]).toMatchObject({ status: 'failed', content: 'Hello wor' })
  })

  it('message.deleted removes only the listed messages of that topic', () => {
    const start = { ...loaded([msg('a'), msg('b'), msg('c')]) }
    start.threads = { ...start.threads, top_2: { messages: [msg('b', { topicId: 'top_2' })], hasMore: false, hasNewer: false, loaded: true } }
    const { state } = run(start, [f.deleted(['b', 'c', 'zzz'])])
    expect(ids(state)).toEqual(['a'])
    expect(ids(state, 'top_2')).toEqual(['b'])
  })

  it('an edit: the old version and its answers leave the branch, the new version arrives with its versions', () => {
    const start = loaded([msg('u1', { role: 'user' }), msg('r1'), msg('u2', { role: 'user', parentId: 'r1' }), msg('r2', { parentId: 'u2' })])
    const edited = msg('u2b', { role: 'user', parentId: 'r1', versions: ['u2', 'u2b'], content: 'edited' })
    const { state } = run(start, [f.deleted(['u2', 'r2']), f.created(edited), f.created(msg('r3', { parentId: 'u2b', status: 'streaming', content: '' }))])
    expect(ids(state)).toEqual(['u1', 'r1', 'u2b', 'r3'])
    expect(state.threads[T]!.messages[2]!.versions).toEqual(['u2', 'u2b'])
  })
})

describe('new chats', () => {
  it('the echo of a new chat from this tab moves its draft into the new topic and is reported', () => {
    const before: ChatState = { ...emptyChatState(), threads: { [DRAFT_TOPIC]: { messages: [pendingMessage(DRAFT_TOPIC, 'first', 'c1'), pendingMessage(DRAFT_TOPIC, 'other', 'c2')], hasMore: false, hasNewer: false, loaded: false } } }
    const echo = msg('u1', { topicId: 'top_new', role: 'user', content: 'first', clientMessageId: 'c1' })
    const { state, effects } = run(before, [f.created(echo)], ctx({ currentTopicId: null, newChats: new Set(['c1']) }))
    expect(state.threads[DRAFT_TOPIC]!.messages.map(m => m.clientMessageId)).toEqual(['c2'])
    expect(ids(state, 'top_new')).toEqual(['u1'])
    expect(state.threads.top_new!.loaded).toBe(true)
    expect(effects).toEqual([{ type: 'new-chat-created', clientMessageId: 'c1', topicId: 'top_new' }])
  })

  it('a message with a clientMessageId this tab did not send is just a message', () => {
    const echo = msg('u1', { topicId: 'top_new', role: 'user', clientMessageId: 'elsewhere' })
    const { state, effects } = run(emptyChatState(), [f.created(echo)], ctx({ currentTopicId: null }))
    expect(ids(state, 'top_new')).toEqual(['u1'])
    expect(effects).toEqual([])
  })
})

describe('tasks, errors and pongs', () => {
  it('task.updated adds and replaces, never going back to an older state', () => {
    const { state } = run(emptyChatState(), [
      { type: 'task.updated', payload: { task: task('k1', { status: 'running', updatedAt: '2024-01-01T00:00:01.000Z' }) } },
      { type: 'task.updated', payload: { task: task('k1', { status: 'completed', updatedAt: '2024-01-01T00:00:03.000Z' }) } },
      { type: 'task.updated', payload: { task: task('k1', { status: 'running', updatedAt: '2024-01-01T00:00:02.000Z' }) } },
      { type: 'task.updated', payload: { task: task('k2', { status: 'failed' }) } },
    ])
    expect(state.tasks[T]!.map(t => `${t.id}:${t.status}`)).toEqual(['k1:completed', 'k2:failed'])
  })

  it('an error frame becomes an error effect with its request id; pong a pong effect; the state is unchanged', () => {
    const start = loaded([msg('a')])
    const error = run(start, [{ type: 'error', payload: { code: 'not_found', message: 'Topic not found', requestId: 'r7' } }])
    expect(error.state).toBe(start)
    expect(error.effects).toEqual([{ type: 'error', code: 'not_found', message: 'Topic not found', requestId: 'r7' }])
    expect(run(start, [{ type: 'pong', payload: {} }]).effects).toEqual([{ type: 'pong' }])
  })
})
