import { describe, expect, it } from 'vitest'
import { extractCode, hasCodeFence, parseSlashCommand, slashCommandHelp } from '#shared/commands'

describe('parseSlashCommand', () => {
  it('parses /calc with its expression', () => {
    expect(parseSlashCommand('/calc 2 * (3 + 4)')).toEqual({ kind: 'calc', input: { expression: '2 * (3 + 4)' } })
  })

  it('trims the message and the argument, and is case-insensitive', () => {
    expect(parseSlashCommand('  /CALC   5 km to mile  \n')).toEqual({ kind: 'calc', input: { expression: '5 km to mile' } })
  })

  it('keeps a multi-line /calc argument', () => {
    expect(parseSlashCommand('/calc a = 2\na * 3')).toEqual({ kind: 'calc', input: { expression: 'a = 2\na * 3' } })
  })

  it('rejects /calc without an expression with a usage hint', () => {
    expect(parseSlashCommand('/calc')).toEqual({ error: expect.stringContaining('Usage: /calc') })
    expect(parseSlashCommand('/calc    ')).toEqual({ error: expect.stringContaining('Usage: /calc') })
  })

  it('parses /run with a ```js block, taking only the code inside it', () => {
    expect(parseSlashCommand('/run\n```js\nconsole.log(1 + 1)\nconst x = 2\n```')).toEqual({
      kind: 'run-code',
      input: { code: 'console.log(1 + 1)\nconst x = 2' },
    })
  })

  it('parses /run with a block on the same line as the command', () => {
    expect(parseSlashCommand('/run ```javascript\n1 + 1\n```')).toEqual({ kind: 'run-code', input: { code: '1 + 1' } })
  })

  it('parses /run without a fence, taking the rest of the message as code', () => {
    expect(parseSlashCommand('/run console.log("hi")')).toEqual({ kind: 'run-code', input: { code: 'console.log("hi")' } })
  })

  it('rejects /run with no code, and with an empty block', () => {
    expect(parseSlashCommand('/run')).toEqual({ error: expect.stringContaining('Usage: /run') })
    expect(parseSlashCommand('/run ```js\n\n```')).toEqual({ error: expect.stringContaining('Usage: /run') })
  })

  it.each(['/summarize', '/summarise', '/Summarize please', '/summarise this topic'])('parses %s as a summary', (text) => {
    expect(parseSlashCommand(text)).toEqual({ kind: 'summarize', input: {} })
  })

  it.each(['/shrug', '/help me', '/calculate 2+2', '/runner x'])('leaves an unknown slash word (%s) as ordinary text', (text) => {
    expect(parseSlashCommand(text)).toBeNull()
  })

  it.each(['hello', 'what is /calc?', 'a/calc 1', '/ calc 1', '', '//calc 1'])('returns null for ordinary text %j', (text) => {
    expect(parseSlashCommand(text)).toBeNull()
  })

  it('documents every command it parses', () => {
    expect(slashCommandHelp.map(c => c.command)).toEqual(['/calc', '/run', '/summarize'])
    for (const help of slashCommandHelp) {
      const parsed = parseSlashCommand(help.usage)
      expect(parsed && !('error' in parsed)).toBe(true)
    }
  })
})

describe('extractCode', () => {
  it('returns the code of a fenced block, trimmed', () => {
    expect(extractCode('Look:\n```js\n  const a = 1\n```\nthanks')).toBe('const a = 1')
  })

  it('returns the first block when there are several', () => {
    expect(extractCode('```js\nfirst()\n```\n\n```js\nsecond()\n```')).toBe('first()')
  })

  it('accepts a block without a language', () => {
    expect(extractCode('```\nlet x = 3\n```')).toBe('let x = 3')
  })

  it('keeps the first word of a one-line block as code, not as a language tag', () => {
    expect(extractCode('```console.log(1)```')).toBe('console.log(1)')
    expect(parseSlashCommand('/run ```console.log(1)```')).toEqual({ kind: 'run-code', input: { code: 'console.log(1)' } })
  })

  it('accepts a language tag followed by CRLF', () => {
    expect(extractCode('```js\r\nlet y = 4\r\n```')).toBe('let y = 4')
  })

  it('returns the whole text, trimmed, when there is no fence', () => {
    expect(extractCode('  console.log(1)\n')).toBe('console.log(1)')
  })
})

describe('hasCodeFence', () => {
  it('is true for a closed fenced block', () => {
    expect(hasCodeFence('run this\n```js\n1\n```')).toBe(true)
  })

  it('is false for prose, inline code and an unclosed fence', () => {
    expect(hasCodeFence('plain words')).toBe(false)
    expect(hasCodeFence('use `x` here')).toBe(false)
    expect(hasCodeFence('```js\nnever closed')).toBe(false)
  })

  it('gives the same answer when called repeatedly (no regex state)', () => {
    const text = '```js\n1\n```'
    expect([hasCodeFence(text), hasCodeFence(text), hasCodeFence(text)]).toEqual([true, true, true])
  })
})
