import { describe, expect, it } from 'vitest'
import { codeToRun, extractCode, firstCodeBlock, hasCodeFence, NOT_JAVASCRIPT, notJavaScriptMessage, parseSlashCommand, slashCommandHelp } from '#shared/commands'

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

  it.each([
    ['/shrug', 'shrug'],
    ['/unknown thing', 'unknown'],
    ['/help me', 'help'],
    ['/calculate 2+2', 'calculate'],
    ['/runner x', 'runner'],
    ['  /Deploy-now\nplease', 'Deploy-now'],
  ])('answers the unknown command %j with the available ones', (text, name) => {
    expect(parseSlashCommand(text)).toEqual({ error: `Unknown command \`/${name}\`. Available: /calc, /run, /summarize` })
  })

  it('keeps a very long unknown command name short in the answer', () => {
    const parsed = parseSlashCommand(`/${'x'.repeat(5_000)}`)
    expect(parsed).toEqual({ error: expect.stringContaining(`\`/${'x'.repeat(30)}\`.`) })
  })

  it.each([
    'hello',
    'what is /calc?',
    'a/calc 1',
    '/ calc 1',
    '/ 2',
    '/2 is half of 4',
    '/usr/bin is a folder',
    '/etc/hosts',
    '/calc/x',
    '',
    '//calc 1',
  ])('returns null for ordinary text %j', (text) => {
    expect(parseSlashCommand(text)).toBeNull()
  })

  it('parses /run directly followed by a fence', () => {
    expect(parseSlashCommand('/run```js\n1 + 1\n```')).toEqual({ kind: 'run-code', input: { code: '1 + 1' } })
  })

  it.each(['js', 'JS', 'javascript', 'JavaScript', 'mjs', 'cjs', ''])('runs a block labelled %j', (lang) => {
    expect(parseSlashCommand(`/run\n\`\`\`${lang}\nconsole.log(1)\n\`\`\``)).toEqual({ kind: 'run-code', input: { code: 'console.log(1)' } })
  })

  it.each(['python', 'bash', 'sh', 'node', 'json', 'c++'])('refuses a block labelled %s, naming the label, and queues nothing', (lang) => {
    const parsed = parseSlashCommand(`/run\n\`\`\`${lang}\nprint("hi")\n\`\`\``)
    expect(parsed).toEqual({ error: expect.stringContaining(`${NOT_JAVASCRIPT}, and this block is labelled \`${lang}\``) })
  })

  it.each(['ts', 'typescript', 'TSX', 'jsx'])('explains that %s cannot run', (lang) => {
    const parsed = parseSlashCommand(`/run \`\`\`${lang}\nconst n: number = 1\n\`\`\``)
    expect(parsed).toEqual({ error: expect.stringMatching(/cannot run TypeScript or JSX/) })
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

describe('firstCodeBlock', () => {
  it('gives the language, lower-cased, and the code', () => {
    expect(firstCodeBlock('see\n```Python\nprint(1)\n```')).toEqual({ lang: 'python', code: 'print(1)' })
    expect(firstCodeBlock('```c++\nint x;\n```')).toEqual({ lang: 'c++', code: 'int x;' })
  })

  it('gives an empty language for an unlabelled block, and for a one-line block whose first word is code', () => {
    expect(firstCodeBlock('```\nlet x = 3\n```')).toEqual({ lang: '', code: 'let x = 3' })
    expect(firstCodeBlock('```console.log(1)```')).toEqual({ lang: '', code: 'console.log(1)' })
    expect(firstCodeBlock('```const x = 1\nx\n```')).toEqual({ lang: '', code: 'const x = 1\nx' })
  })

  it('is null without a closed fence', () => {
    expect(firstCodeBlock('plain')).toBeNull()
    expect(firstCodeBlock('```js\nnever closed')).toBeNull()
  })
})

describe('codeToRun', () => {
  it('takes the first JavaScript block, even after a block in another language', () => {
    expect(codeToRun('Install:\n```bash\nnpm i\n```\nThen:\n```js\nconsole.log(1)\n```')).toEqual({ code: 'console.log(1)' })
  })

  it('refuses when no block is JavaScript, naming the first block\'s label', () => {
    expect(codeToRun('```python\nprint(1)\n```\n```bash\necho 1\n```')).toEqual({ refusal: notJavaScriptMessage('python') })
  })

  it('is null for a message without a fenced block', () => {
    expect(codeToRun('console.log(1)')).toBeNull()
  })
})

describe('on long, hostile input', () => {
  it.each([
    ['many open fences', '```'.repeat(10_000)],
    ['one unclosed fence', `\`\`\`js\n${'a'.repeat(32_000)}`],
    ['a long slash word', `/${'a'.repeat(32_000)}/`],
    ['alternating backticks', '`a'.repeat(16_000)],
  ])('parses %s in linear time', (_name, text) => {
    const started = performance.now()
    parseSlashCommand(text)
    codeToRun(text)
    firstCodeBlock(text)
    expect(performance.now() - started).toBeLessThan(250)
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
