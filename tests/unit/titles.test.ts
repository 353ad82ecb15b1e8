import { describe, expect, it } from 'vitest'
import { titleFrom } from '../../server/utils/chat/titles'

describe('titleFrom', () => {
  it('keeps a short message as it is', () => {
    expect(titleFrom('Plan a trip to Kyoto')).toBe('Plan a trip to Kyoto')
  })

  it('collapses white space and drops markdown marks', () => {
    expect(titleFrom('  # Plan   a\n\n> `trip`  ')).toBe('Plan a trip')
  })

  it('keeps exactly 48 characters without cutting', () => {
    const text = 'x'.repeat(48)
    expect(titleFrom(text)).toBe(text)
  })

  it('cuts a long message at a word boundary and adds …', () => {
    const title = titleFrom('Could you please help me understand how the resume rule works when a socket reconnects?')
    expect(title).toBe('Could you please help me understand how the…')
    expect(title.length).toBeLessThanOrEqual(49)
  })

  it('cuts a long word-less message at 48 characters', () => {
    expect(titleFrom('y'.repeat(100))).toBe(`${'y'.repeat(48)}…`)
  })

  it('uses the prose around a code block, not the code', () => {
    expect(titleFrom('Why does this fail?\n```js\nnull.x\n```')).toBe('Why does this fail?')
  })

  it('names a code-only message by the first line of its code', () => {
    expect(titleFrom('```js\nconsole.log(1 + 1)\nmore()\n```')).toBe('Code: console.log(1 + 1)')
  })

  it('cuts a long first line of code too', () => {
    const title = titleFrom(`\`\`\`js\nconst result = ${'compute(value) + '.repeat(10)}1\n\`\`\``)
    expect(title.startsWith('Code: const result = compute(value)')).toBe(true)
    expect(title.endsWith('…')).toBe(true)
    expect(title.length).toBeLessThanOrEqual(49)
  })

  it.each(['', '   \n\t', '# > `'])('gives "New chat" for %j', (text) => {
    expect(titleFrom(text)).toBe('New chat')
  })
})
