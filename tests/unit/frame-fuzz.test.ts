// Property tests of the socket's frame parser (fast-check): whatever arrives, parsing never throws,
// a valid frame comes out exactly as sent, and every invalid one yields an error that is itself a
// valid `error` frame (with the request id when the input had a usable one).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { clientPayloads, clientTypes, LIMITS, parseClientFrame, serverPayloads } from '#shared/protocol'

function expectWellFormedError(raw: string) {
  const result = parseClientFrame(raw)
  if (result.ok) return result
  expect(result.code).toBe('bad_request')
  expect(serverPayloads.error.safeParse({ code: result.code, message: result.message, requestId: result.requestId }).success).toBe(true)
  expect(result.message.length).toBeLessThan(2_000)
  return result
}

const id = fc.string({ minLength: 1, maxLength: 100 })
const text = fc.string({ minLength: 1, maxLength: 200 }).filter(s => s.trim().length > 0)

/** Valid payloads of a few frame types, to check that the parser lets good frames through intact. */
const validFrame = fc.oneof(
  fc.record({ type: fc.constant('ping'), payload: fc.constant({}) }),
  fc.record({ type: fc.constant('topic.open'), payload: fc.record({ topicId: id, limit: fc.integer({ min: 1, max: 200 }) }, { requiredKeys: ['topicId'] }) }),
  fc.record({ type: fc.constant('message.send'), payload: fc.record({ topicId: fc.option(id, { nil: null }), agentId: id, text, clientMessageId: id }) }),
  fc.record({ type: fc.constant('task.cancel'), payload: fc.record({ taskId: id }) }),
)

describe('parseClientFrame (fast-check)', () => {
  it('never throws on any string, and answers every non-frame with a well-formed bad_request', () => {
    fc.assert(fc.property(fc.string({ maxLength: 2_000, unit: 'binary' }), (raw) => {
      expectWellFormedError(raw)
    }), { numRuns: 2_000 })
  })

  it('never throws on any JSON value in any envelope shape', () => {
    const envelope = fc.record({
      type: fc.oneof(fc.constantFrom(...clientTypes), fc.string(), fc.jsonValue()),
      payload: fc.jsonValue({ maxDepth: 6 }),
      id: fc.oneof(fc.string({ maxLength: 120 }), fc.jsonValue()),
    }, { requiredKeys: [] })
    fc.assert(fc.property(envelope, (frame) => {
      const result = expectWellFormedError(JSON.stringify(frame))
      if (result.ok) {
        // Whatever got through matches its own schema.
        expect(clientPayloads[result.frame.type].safeParse(result.frame.payload).success).toBe(true)
      }
      else if (typeof frame.id === 'string' && frame.id.length <= 100) {
        expect(result.requestId).toBe(frame.id)
      }
    }), { numRuns: 3_000 })
  })

  it('lets every valid frame through unchanged, with its id', () => {
    fc.assert(fc.property(validFrame, id, (frame, requestId) => {
      const result = parseClientFrame(JSON.stringify({ ...frame, id: requestId }))
      expect(result.ok).toBe(true)
      if (result.ok) expect(result.frame).toEqual({ ...frame, id: requestId })
    }), { numRuns: 1_000 })
  })

  it('refuses a valid frame with one field broken, naming the field', () => {
    fc.assert(fc.property(validFrame.filter(f => f.type === 'message.send'), fc.constantFrom('text', 'agentId', 'clientMessageId'), fc.oneof(fc.constant(''), fc.integer(), fc.constant(null), fc.constant('x'.repeat(LIMITS.messageChars + 1))), (frame, field, bad) => {
      const result = parseClientFrame(JSON.stringify({ ...frame, payload: { ...frame.payload, [field]: bad }, id: 'r1' }))
      expect(result.ok).toBe(false)
      if (!result.ok) {
        expect(result.requestId).toBe('r1')
        expect(result.message).toContain(field)
      }
    }), { numRuns: 500 })
  })

  it('survives pathological JSON: deep nesting, huge numbers, prototype keys', () => {
    for (const raw of [
      `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      `{"type":"ping","payload":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`,
      '{"type":"ping","payload":{},"id":1e999}',
      '{"type":"__proto__","payload":{}}',
      '{"__proto__":{"type":"ping"},"payload":{}}',
      '{"type":"ping","payload":{"__proto__":{"polluted":true}}}',
      '{"type":"constructor","payload":{}}',
      '\uFEFF{"type":"ping","payload":{}}',
    ]) {
      expectWellFormedError(raw)
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})
