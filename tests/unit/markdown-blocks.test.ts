// The streaming side of the renderer: splitting a message into top-level blocks (so finished ones
// are kept while a reply grows), the copy button added to every code block, and TeX math.
import { JSDOM } from 'jsdom'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadMarkdown, renderBlock, renderMarkdown, splitBlocks } from '../../utils/markdown'

beforeAll(async () => {
  await loadMarkdown()
})

describe('splitBlocks', () => {
  it('splits at top-level blocks and keeps each block\'s own source', () => {
    const source = '# Title\n\nA paragraph\nwith two lines.\n\n- one\n- two\n\n```js\nconst a = 1\n\nconst b = 2\n```\n\n> quoted'
    expect(splitBlocks(source).sources).toEqual(['# Title', 'A paragraph\nwith two lines.', '- one\n- two', '```js\nconst a = 1\n\nconst b = 2\n```', '> quoted'])
  })

  it('rendering block by block gives the same HTML as the whole message', () => {
    const source = 'Intro with **bold**.\n\n3. three\n4. four\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```js\nlet x = 1\n```\n\n---\n\nEnd $x^2$.'
    const whole = renderMarkdown(source).replace(/\n/g, '')
    const pieces = splitBlocks(source).sources.map(block => renderMarkdown(block)).join('').replace(/\n/g, '')
    // KaTeX output is the same; only the placeholders' nonces differ, and they are gone after rendering.
    expect(pieces).toBe(whole)
  })

  it('keeps a message with link reference definitions whole (a definition applies to every block)', () => {
    const source = 'See [the docs][d].\n\nMore text.\n\n[d]: https://example.com/docs'
    expect(splitBlocks(source).sources).toEqual([source])
  })

  it('an unclosed code fence while streaming is one growing block', () => {
    expect(splitBlocks('Here:\n\n```py\nprint(1)\nprint(2').sources).toEqual(['Here:', '```py\nprint(1)\nprint(2'])
  })
})

describe('renderBlock: copy buttons on code blocks', () => {
  it('wraps every code block, nested ones included, with a labelled button', () => {
    const html = renderBlock('- item\n\n  ```\n  nested\n  ```', 'Copy code', 'Copy')
    expect(html).toContain('<div class="code-block"><button type="button" class="code-copy" aria-label="Copy code">Copy</button><pre')
    expect(html.match(/<\/pre><\/div>/g)).toHaveLength(1)
  })

  it('does not touch text that only looks like a pre tag, and escapes the labels', () => {
    const html = renderBlock('Write `<pre>` by hand', 'Copy "code"', '<b>')
    expect(html).not.toContain('code-copy')
    expect(html).toContain('&lt;pre&gt;')
    expect(renderBlock('```\nx\n```', 'Copy "code"', '<b>')).toContain('aria-label="Copy &quot;code&quot;">&lt;b&gt;</button>')
  })
})

describe('math', () => {
  it('renders $…$ inline and $$…$$ as a block with KaTeX, with MathML for screen readers', () => {
    const inline = renderMarkdown('Euler: $e^{i\\pi} + 1 = 0$')
    expect(inline).toContain('class="katex"')
    expect(inline).toContain('<annotation encoding="application/x-tex">e^{i\\pi} + 1 = 0</annotation>')
    const block = renderMarkdown('$$\n\\int_0^1 x\\,dx = \\tfrac12\n$$')
    expect(block).toContain('katex-display')
  })

  it('leaves prices and lone dollars as text', () => {
    expect(renderMarkdown('It costs $5 or $10, and $ alone.')).toBe('<p>It costs $5 or $10, and $ alone.</p>\n')
    expect(renderMarkdown('Not math: $ x$ nor $x $')).not.toContain('katex')
  })

  it('cannot smuggle markup or links through TeX', () => {
    const html = renderMarkdown('$\\href{javascript:alert(1)}{x}$ $\\htmlClass{fixed inset-0}{y}$ $<img src=x onerror=alert(1)>$')
    const { document } = new JSDOM(`<body>${html}</body>`).window
    const elements = [...document.body.querySelectorAll('*')]
    expect(elements.filter(el => ['A', 'IMG', 'SCRIPT'].includes(el.tagName))).toEqual([])
    expect(elements.flatMap(el => [...el.attributes].map(a => a.name)).filter(name => /^on|^href$/i.test(name))).toEqual([])
    expect(elements.filter(el => /inset-0/.test(el.getAttribute('class') ?? ''))).toEqual([])
  })

  it('a message with math reports that it needs KaTeX only until KaTeX is loaded', () => {
    expect(splitBlocks('$x$').math).toBe(false)
    expect(splitBlocks('```python\nprint(1)\n```').languages).toEqual([])
  })
})
