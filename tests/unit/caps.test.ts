// Size caps (server/utils/caps.ts): cut visibly, never silently, and bounded as a whole.
import { describe, expect, it } from 'vitest'
import { capJson, capText, cutNote, headOf } from '../../server/utils/caps'

describe('capText', () => {
  it('keeps a text within the cap as it is', () => {
    expect(capText('hello', 5)).toBe('hello')
  })

  it('cuts a longer text and says where and how long it was', () => {
    const text = capText('x'.repeat(2_345_678), 16_000)
    expect(text.startsWith('x'.repeat(16_000))).toBe(true)
    expect(text.endsWith('\n… [output cut at 16,000 characters; 2,345,678 in all]')).toBe(true)
    expect(text.length).toBeLessThan(16_100)
  })

  it('names what was cut', () => {
    expect(cutNote('reply', 100_000)).toBe('… [reply cut at 100,000 characters]')
  })

  it('never splits an emoji in two', () => {
    expect(headOf('ab😀', 3)).toBe('ab')
    expect(headOf('ab😀', 4)).toBe('ab😀')
  })
})

describe('capJson', () => {
  it('leaves a small value unchanged', () => {
    const value = { text: 'a', logs: [{ level: 'log', text: 'b' }], n: 3, ok: true, none: null }
    expect(capJson(value, 100)).toEqual(value)
  })

  it('cuts each string at the cap, visibly', () => {
    const result = capJson({ text: 'y'.repeat(50), value: 'z'.repeat(50) }, 10, 1000)
    expect(result.text).toBe(`${'y'.repeat(10)}\n… [output cut at 10 characters; 50 in all]`)
    expect(result.value).toBe(`${'z'.repeat(10)}\n… [output cut at 10 characters; 50 in all]`)
  })

  it('bounds the whole value: text first, then the rest until the total is spent; later array items go', () => {
    const logs = Array.from({ length: 10_000 }, (_, i) => ({ level: 'log', text: `line ${i} ${'x'.repeat(100)}` }))
    const result = capJson({ text: 't'.repeat(5_000), logs, value: 'v'.repeat(5_000) }, 4_000, 12_000)
    expect(result.text.startsWith('t'.repeat(4_000))).toBe(true)
    expect(result.text).toContain('[output cut at 4,000 characters; 5,000 in all]')
    expect(result.logs.length).toBeGreaterThan(10)
    expect(result.logs.length).toBeLessThan(100)
    expect(result.value).toBe('… [5,000 characters left out: the output had reached its limit]')
    expect(JSON.stringify(result).length).toBeLessThan(16_000)
  })
})
