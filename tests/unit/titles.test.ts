import { describe, expect, it } from 'vitest'
import { titleFrom } from '../../server/utils/chat/titles'

describe('titleFrom', () => {
  it('keeps a short message as it is', () => {
    expect(titleFrom('Plan a trip to Kyoto')).toBe('Plan a trip to Kyoto')
  })

  it('collapses white space and drops markdown marks', () => {
    expect(titleFrom('  Plan   a\n\n> `trip`  ')).toBe('Plan a trip')
  })

  it('uses a heading that opens the message as the title by itself', () => {
    expect(titleFrom('# Heading\n| a | b |\n|---|---|\n| 1 | 2 |')).toBe('Heading')
    expect(titleFrom('## Plan *a* trip\n\nSome details follow.')).toBe('Plan a trip')
  })

  it.each([
    ['**bold**, _emphasis_ and ~~struck~~ words', 'bold, emphasis and struck words'],
    ['Read [the docs](https://example.com/docs) and ![a chart](c.png)', 'Read the docs and a chart'],
    ['Use `npm test` and <kbd>Enter</kbd>, see <https://x.io>', 'Use npm test and Enter, see https://x.io'],
    ['- first item\n- second item', 'first item second item'],
    ['1. step one\n2) step two', 'step one step two'],
    ['> quoted\n> > nested', 'quoted nested'],
    ['| name | price |\n|:--|--:|\n| tea | 3 |', 'name, price'],
    ['What is 2 * 3 in my_var?', 'What is 2 * 3 in my_var?'],
    ['Intro\n\n---\n\nMore', 'Intro More'],
  ])('strips markdown from %j', (text, title) => {
    expect(titleFrom(text)).toBe(title)
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

  it('names a code-only message by its language and the first line of its code', () => {
    expect(titleFrom('```js\nconsole.log(1 + 1)\nmore()\n```')).toBe('JavaScript: console.log(1 + 1)')
    expect(titleFrom('```\nlet x = 3\n```')).toBe('Code: let x = 3')
  })

  it.each([
    ['```js\nfunction total(order) {\n  return order.sum\n}\n```', 'JavaScript: total(order)'],
    ['```javascript\nexport async function load(id, opts) {}\n```', 'JavaScript: load(id, opts)'],
    ['```js\nconst total = (order) => order.sum\n```', 'JavaScript: total(order)'],
    ['```ts\nconst f = async function (a: number) { }\n```', 'TypeScript: f(a: number)'],
    ['```python\n# helper\ndef total(order):\n    pass\n```', 'Python: total(order)'],
    ['```js\nclass Cart extends Base {}\n```', 'JavaScript: class Cart'],
    ['```js\n// adds up\nlet sum = 0\n```', 'JavaScript: let sum = 0'],
    ['```elixir\nIO.puts 1\n```', 'Elixir: IO.puts 1'],
  ])('names what code defines: %j', (text, title) => {
    expect(titleFrom(text)).toBe(title)
  })

  it('calls code that names nothing a snippet', () => {
    expect(titleFrom('```js\n});\n```')).toBe('JavaScript snippet')
    expect(titleFrom('```\n{\n}\n```')).toBe('Code snippet')
  })

  it('cuts a long first line of code too', () => {
    const title = titleFrom(`\`\`\`js\nconst result = ${'compute(value) + '.repeat(10)}1\n\`\`\``)
    expect(title.startsWith('JavaScript: const result = compute(value)')).toBe(true)
    expect(title.endsWith('…')).toBe(true)
    expect(title.length).toBeLessThanOrEqual(49)
  })

  it.each([
    ['a long line of open brackets', '['.repeat(32_000)],
    ['unclosed tags', '<a'.repeat(16_000)],
    ['quote markers', '> '.repeat(16_000)],
    ['emphasis marks', '*a'.repeat(16_000)],
  ])('reads %s quickly', (_name, text) => {
    const started = performance.now()
    titleFrom(text)
    expect(performance.now() - started).toBeLessThan(250)
  })

  it.each(['', '   \n\t', '# > `'])('gives "New chat" for %j', (text) => {
    expect(titleFrom(text)).toBe('New chat')
  })
})
