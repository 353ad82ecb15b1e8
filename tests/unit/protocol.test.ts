import { describe, expect, it } from 'vitest'
import { LIMITS, parseClientFrame, parseServerFrame, SearchQuery, serverFrame, TopicsExport, type Message, type ParseResult } from '#shared/protocol'

const frame = (type: string, payload: unknown, id?: string) => JSON.stringify(id === undefined ? { type, payload } : { type, payload, id })

function expectOk(result: ParseResult) {
  if (!result.ok) throw new Error(`expected a valid frame, got: ${result.message}`)
  return result.frame
}

function expectError(result: ParseResult) {
  if (result.ok) throw new Error(`expected an error, got frame ${JSON.stringify(result.frame)}`)
  return result
}

const message: Message = {
  id: 'msg_1',
  topicId: 'top_1',
  role: 'assistant',
  content: 'Hello',
  status: 'streaming',
  seq: 3,
  agentId: 'assistant',
  createdAt: '2024-01-01T00:00:00.000Z',
}

describe('parseClientFrame: valid frames', () => {
  const valid: [string, Record<string, unknown>][] = [
    ['message.send', { topicId: null, agentId: 'assistant', text: 'hi', clientMessageId: 'c1' }],
    ['message.send', { topicId: 'top_1', agentId: 'assistant', text: 'hi', clientMessageId: 'c1' }],
    ['topic.open', { topicId: 'top_1' }],
    ['topic.open', { topicId: 'top_1', before: 'msg_9', limit: 20 }],
    ['topic.update', { topicId: 'top_1', title: 'Renamed' }],
    ['topic.update', { topicId: 'top_1', agentId: 'code-runner' }],
    ['topic.delete', { topicId: 'top_1' }],
    ['message.stop', { topicId: 'top_1', messageId: 'msg_1' }],
    ['message.regenerate', { topicId: 'top_1', messageId: 'msg_1' }],
    ['message.edit', { topicId: 'top_1', messageId: 'msg_1', text: 'changed' }],
    ['message.delete', { topicId: 'top_1', messageId: 'msg_1' }],
    ['task.cancel', { taskId: 'tsk_1' }],
    ['ping', {}],
    ['topic.open', { topicId: 'top_1', around: 'msg_9' }],
    ['topic.open', { topicId: 'top_1', after: 'msg_9', limit: 20 }],
    ['topic.restore', { topicId: 'top_1' }],
    ['message.select', { topicId: 'top_1', messageId: 'msg_1' }],
    ['message.restore', { topicId: 'top_1', messageId: 'msg_1' }],
    ['task.retry', { taskId: 'tsk_1' }],
  ]

  it.each(valid)('accepts %s %j', (type, payload) => {
    const parsed = expectOk(parseClientFrame(frame(type, payload, 'r1')))
    expect(parsed.type).toBe(type)
    expect(parsed.payload).toEqual(payload)
    expect(parsed.id).toBe('r1')
  })

  it('accepts a frame without a request id', () => {
    const parsed = expectOk(parseClientFrame(frame('ping', {})))
    expect(parsed.id).toBeUndefined()
  })

  it('trims a topic title', () => {
    const parsed = expectOk(parseClientFrame(frame('topic.update', { topicId: 't', title: '  Plans  ' })))
    expect(parsed.payload).toEqual({ topicId: 't', title: 'Plans' })
  })
})

describe('parseClientFrame: invalid frames', () => {
  it('rejects text that is not JSON, without a request id', () => {
    const error = expectError(parseClientFrame('{"type": "ping", '))
    expect(error.code).toBe('bad_request')
    expect(error.message).toMatch(/not valid JSON/)
    expect(error.requestId).toBeUndefined()
  })

  it.each([
    ['a JSON array', '[1,2]'],
    ['a JSON string', '"ping"'],
    ['null', 'null'],
    ['no payload', JSON.stringify({ type: 'ping' })],
    ['a payload that is not an object', JSON.stringify({ type: 'ping', payload: 'x' })],
    ['an empty type', JSON.stringify({ type: '', payload: {} })],
    ['a numeric type', JSON.stringify({ type: 5, payload: {} })],
  ])('rejects an envelope with %s', (_name, raw) => {
    const error = expectError(parseClientFrame(raw))
    expect(error.code).toBe('bad_request')
    expect(error.message).toMatch(/^Invalid frame/)
  })

  it('rejects an unknown type and names it, carrying the request id', () => {
    const error = expectError(parseClientFrame(frame('topic.explode', {}, 'r7')))
    expect(error).toMatchObject({ code: 'bad_request', requestId: 'r7' })
    expect(error.message).toContain('topic.explode')
  })

  it('rejects a server-only type sent by a client', () => {
    const error = expectError(parseClientFrame(frame('pong', {})))
    expect(error.message).toMatch(/Unknown frame type/)
  })

  it('carries the request id of an envelope that is otherwise invalid', () => {
    const error = expectError(parseClientFrame(JSON.stringify({ type: 'ping', id: 'r3' })))
    expect(error.requestId).toBe('r3')
  })

  it('does not invent a request id when the id is not a string', () => {
    const error = expectError(parseClientFrame(JSON.stringify({ type: 'ping', id: 42 })))
    expect(error.requestId).toBeUndefined()
  })

  it.each([
    ['message.send without clientMessageId', 'message.send', { topicId: null, agentId: 'a', text: 'hi' }],
    ['message.send without topicId', 'message.send', { agentId: 'a', text: 'hi', clientMessageId: 'c' }],
    ['message.send with an empty agentId', 'message.send', { topicId: null, agentId: '', text: 'hi', clientMessageId: 'c' }],
    ['message.send with numeric text', 'message.send', { topicId: null, agentId: 'a', text: 5, clientMessageId: 'c' }],
    ['topic.open without topicId', 'topic.open', {}],
    ['topic.delete with a numeric topicId', 'topic.delete', { topicId: 1 }],
    ['message.stop without messageId', 'message.stop', { topicId: 't' }],
    ['message.regenerate without topicId', 'message.regenerate', { messageId: 'm' }],
    ['message.delete with an over-long id', 'message.delete', { topicId: 't', messageId: 'm'.repeat(101) }],
    ['message.edit without text', 'message.edit', { topicId: 't', messageId: 'm' }],
    ['task.cancel without taskId', 'task.cancel', {}],
    ['message.select without messageId', 'message.select', { topicId: 't' }],
    ['message.restore without topicId', 'message.restore', { messageId: 'm' }],
    ['topic.restore with a numeric topicId', 'topic.restore', { topicId: 7 }],
    ['task.retry without taskId', 'task.retry', {}],
  ])('rejects %s and carries the request id', (_name, type, payload) => {
    const error = expectError(parseClientFrame(frame(type, payload, 'req-9')))
    expect(error.code).toBe('bad_request')
    expect(error.message).toContain(`Invalid ${type}`)
    expect(error.requestId).toBe('req-9')
  })

  it('names the failing field in the message', () => {
    const error = expectError(parseClientFrame(frame('message.send', { topicId: null, agentId: 'a', text: 'hi' })))
    expect(error.message).toContain('clientMessageId')
  })
})

describe('parseClientFrame: text limits', () => {
  const send = (text: string) => parseClientFrame(frame('message.send', { topicId: null, agentId: 'a', text, clientMessageId: 'c' }, 'r1'))
  const edit = (text: string) => parseClientFrame(frame('message.edit', { topicId: 't', messageId: 'm', text }, 'r1'))

  it('accepts 1 and 32000 characters', () => {
    expect(LIMITS.messageChars).toBe(32_000)
    expect(send('x').ok).toBe(true)
    expect(send('x'.repeat(32_000)).ok).toBe(true)
    expect(edit('x'.repeat(32_000)).ok).toBe(true)
  })

  it('rejects empty text and 32001 characters', () => {
    expect(send('').ok).toBe(false)
    expect(send('x'.repeat(32_001)).ok).toBe(false)
    expect(edit('').ok).toBe(false)
    expect(edit('x'.repeat(32_001)).ok).toBe(false)
  })

  it('rejects blank text', () => {
    const error = expectError(send(' \n\t '))
    expect(error.message).toMatch(/blank/)
    expect(edit('   ').ok).toBe(false)
  })

  it('keeps the text exactly, surrounding white space included', () => {
    const parsed = expectOk(send('  indented\n'))
    expect(parsed.type === 'message.send' && parsed.payload.text).toBe('  indented\n')
  })
})

describe('parseClientFrame: topic.update and topic.open', () => {
  it('requires a title or an agentId', () => {
    const error = expectError(parseClientFrame(frame('topic.update', { topicId: 't' }, 'r2')))
    expect(error.message).toMatch(/title or agentId/)
    expect(error.requestId).toBe('r2')
  })

  it('rejects a blank title and one over the limit', () => {
    expect(parseClientFrame(frame('topic.update', { topicId: 't', title: '   ' })).ok).toBe(false)
    expect(parseClientFrame(frame('topic.update', { topicId: 't', title: 'x'.repeat(LIMITS.titleChars + 1) })).ok).toBe(false)
    expect(parseClientFrame(frame('topic.update', { topicId: 't', title: 'x'.repeat(LIMITS.titleChars) })).ok).toBe(true)
  })

  it.each([1, 50, 200])('accepts limit %i', (limit) => {
    expect(parseClientFrame(frame('topic.open', { topicId: 't', limit })).ok).toBe(true)
  })

  it.each([
    { before: 'm1', around: 'm2' },
    { before: 'm1', after: 'm2' },
    { around: 'm1', after: 'm2' },
  ])('rejects more than one of before, around and after: %j', (anchors) => {
    const error = expectError(parseClientFrame(frame('topic.open', { topicId: 't', ...anchors })))
    expect(error.message).toMatch(/mutually exclusive/)
  })

  it.each([0, 201, 1.5, -1, '10'])('rejects limit %j', (limit) => {
    const error = expectError(parseClientFrame(frame('topic.open', { topicId: 't', limit }, 'r4')))
    expect(error.message).toContain('limit')
    expect(error.requestId).toBe('r4')
  })
})

describe('parseServerFrame', () => {
  it('accepts valid frames of several types', () => {
    const frames = [
      serverFrame('pong', {}),
      serverFrame('message.delta', { topicId: 't', messageId: 'm', seq: 1, text: 'a' }),
      serverFrame('message.created', { message }),
      serverFrame('message.completed', { message: { ...message, status: 'stopped', stopped: true } }),
      serverFrame('message.failed', { message: { ...message, status: 'failed', error: { code: 'x', message: 'y' } } }),
      serverFrame('error', { code: 'not_found', message: 'Topic not found', requestId: 'r1' }),
      serverFrame('topic.history', { topicId: 't', messages: [message], tasks: [], hasMore: false }),
      serverFrame('topic.history', { topicId: 't', messages: [{ ...message, parentId: 'msg_0', versions: ['msg_1', 'msg_2'] }], tasks: [], hasMore: true, hasNewer: true, reset: true }),
      serverFrame('session.ready', {
        user: { id: 'u', name: null, guest: true },
        agents: [{ id: 'assistant', name: 'Assistant', description: '', provider: 'builtin', model: 'builtin' }],
        topics: [],
      }),
    ]
    for (const f of frames) expect(parseServerFrame(JSON.stringify(f))).toEqual(f)
  })

  it.each([
    ['not JSON', 'nope'],
    ['an unknown type', frame('mystery', {})],
    ['a client type', frame('ping', {})],
    ['a delta with seq 0', frame('message.delta', { topicId: 't', messageId: 'm', seq: 0, text: 'a' })],
    ['a delta without text', frame('message.delta', { topicId: 't', messageId: 'm', seq: 1 })],
    ['an unknown error code', frame('error', { code: 'teapot', message: 'x' })],
    ['a message with an unknown status', frame('message.created', { message: { ...message, status: 'thinking' } })],
    ['a failed message without error', frame('message.failed', { message: { ...message, status: 'failed' } })],
    ['a missing payload', JSON.stringify({ type: 'pong' })],
    ['versions that are not ids', frame('message.created', { message: { ...message, versions: [1, 2] } })],
  ])('rejects %s', (_name, raw) => {
    expect(parseServerFrame(raw)).toBeNull()
  })
})

describe('TopicsExport (the export and import file)', () => {
  const file = {
    format: 'agent-chat-topics',
    version: 1,
    exportedAt: '2026-01-01T00:00:00.000Z',
    topics: [{
      title: 'Plans',
      agentId: 'assistant',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:01.000Z',
      messages: [
        { role: 'user', content: 'hi', status: 'complete', createdAt: '2026-01-01T00:00:00.000Z' },
        { role: 'assistant', content: 'hello', status: 'failed', createdAt: '2026-01-01T00:00:01.000Z', agentId: 'assistant', error: { code: 'timeout', message: 'slow' } },
      ],
    }],
  }

  it('accepts a valid file', () => {
    expect(TopicsExport.parse(file)).toEqual(file)
  })

  it.each([
    ['another format', { ...file, format: 'agent-chat-export' }, 'format'],
    ['a newer version', { ...file, version: 2 }, 'version'],
    ['a bad date', { ...file, topics: [{ ...file.topics[0], createdAt: 'yesterday' }] }, 'topics.0.createdAt'],
    ['an unknown role', { ...file, topics: [{ ...file.topics[0], messages: [{ ...file.topics[0]!.messages[0], role: 'system' }] }] }, 'topics.0.messages.0.role'],
    ['a blank title', { ...file, topics: [{ ...file.topics[0], title: '  ' }] }, 'topics.0.title'],
  ])('rejects %s and names the field', (_name, bad, path) => {
    const result = TopicsExport.safeParse(bad)
    expect(result.success).toBe(false)
    expect(result.error!.issues.map(issue => issue.path.join('.'))).toContain(path)
  })
})

describe('SearchQuery', () => {
  it('trims q, coerces limit and defaults it', () => {
    expect(SearchQuery.parse({ q: ' word ' })).toEqual({ q: 'word', limit: LIMITS.searchResultsDefault })
    expect(SearchQuery.parse({ q: 'word', limit: '5' })).toEqual({ q: 'word', limit: 5 })
  })

  it.each([{ q: '' }, { q: '   ' }, { q: 'x'.repeat(201) }, { q: 'a', limit: '0' }, { q: 'a', limit: '51' }])('rejects %j', (query) => {
    expect(SearchQuery.safeParse(query).success).toBe(false)
  })
})

describe('serverFrame', () => {
  it('builds the envelope with type and payload only', () => {
    const built = serverFrame('topic.deleted', { topicId: 't' })
    expect(built).toEqual({ type: 'topic.deleted', payload: { topicId: 't' } })
    expect(Object.keys(built)).toEqual(['type', 'payload'])
  })
})
