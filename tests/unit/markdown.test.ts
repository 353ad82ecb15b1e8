// Rendered markdown is safe on the server's path (DOMPurify on jsdom, as in SSR): classic XSS payloads
// through markdown, raw HTML straight into the sanitiser (as if the renderer let it through), and
// ordinary markdown that must come out as before.
import fc from 'fast-check'
import { JSDOM } from 'jsdom'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadMarkdown, renderMarkdown } from '../../utils/markdown'
import { sanitizeHtml } from '../../utils/sanitize'

const ALLOWED_TAGS = new Set(['A', 'BLOCKQUOTE', 'BR', 'CODE', 'EM', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HR', 'LI', 'OL', 'P', 'PRE', 'S', 'SPAN', 'STRONG', 'TABLE', 'TBODY', 'TD', 'TH', 'THEAD', 'TR', 'UL'])
const SAFE_PROTOCOLS = ['http:', 'https:', 'mailto:']

/** Everything in `html` that should never be there: unknown tags, handlers, unsafe URLs or styles. */
function dangers(html: string): string[] {
  const found: string[] = []
  const { document } = new JSDOM(`<body>${html}</body>`).window
  for (const element of document.body.querySelectorAll('*')) {
    if (!ALLOWED_TAGS.has(element.tagName)) found.push(`tag ${element.tagName}`)
    for (const { name, value } of element.attributes) {
      if (/^on/i.test(name)) found.push(`handler ${name}`)
      if (!['href', 'title', 'target', 'rel', 'class', 'style', 'tabindex', 'start'].includes(name)) found.push(`attribute ${name}`)
      // Resolved the way a browser does (`jav%09ascript:` is a relative path, not a scheme).
      if (name === 'href' && !SAFE_PROTOCOLS.includes(new URL(value, 'https://app.example/').protocol)) found.push(`href ${value}`)
      if (name === 'style' && /url|expression|import|\\|position/i.test(value)) found.push(`style ${value}`)
    }
    if (element.tagName === 'A' && element.hasAttribute('href') && (element.getAttribute('target') !== '_blank' || element.getAttribute('rel') !== 'noopener noreferrer nofollow')) {
      found.push(`link without target/rel: ${element.outerHTML}`)
    }
  }
  return found
}

beforeAll(async () => {
  await loadMarkdown()
})

describe('renderMarkdown: XSS payloads through markdown', () => {
  const payloads = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<svg onload=alert(1)><circle r=1></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<form action="https://evil.example"><input name=x><button>go</button></form>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '[x](javascript:alert(1))',
    '[x](JaVaScRiPt:alert(1))',
    '[x](jav&#x09;ascript:alert(1))',
    '[x](&#106;avascript:alert(1))',
    '[x](javascript&colon;alert(1))',
    '[x](%6Aavascript:alert(1))',
    '[x]( javascript:alert(1))',
    '[x](<javascript:alert(1)>)',
    '[x](vbscript:msgbox(1))',
    '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '[x](DATA:text/html,<script>alert(1)</script>)',
    '[x](file:///etc/passwd)',
    '[x](ms-msdt:/id PCWDiagnostic)',
    '[x](tel:+1555)',
    '<javascript:alert(1)>',
    '<vbscript:msgbox(1)>',
    '[ref]\n\n[ref]: javascript:alert(1)',
    '[ref][r]\n\n[r]: data:text/html,<script>alert(1)</script> "t"',
    '![x](javascript:alert(1))',
    '![x" onerror="alert(1)](https://example.com/a.png)',
    '[x](https://example.com/" onmouseover="alert(1))',
    '[x](https://example.com "a\\" onmouseover=\\"alert(1)")',
    '```"><img src=x onerror=alert(1)>\ncode\n```',
    '```js" onclick="alert(1)\nlet a = 1\n```',
    '<style>body{display:none}</style>',
    '<div style="position:fixed;inset:0">cover</div>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  ]

  it.each(payloads)('%s', (payload) => {
    const html = renderMarkdown(payload)
    expect(dangers(html)).toEqual([])
    expect(html).not.toMatch(/<(script|img|svg|iframe|form|input|style|math|object|embed)\b/i)
  })

  it('keeps only http(s) and mailto links from what markdown-it lets through (tel:, ms-msdt:, ftp:)', () => {
    expect(renderMarkdown('[call](tel:+1555) [open](ms-msdt:/id x) [get](ftp://example.com/f)')).not.toContain('href')
    expect(renderMarkdown('[mail](mailto:a@example.com)')).toContain('href="mailto:a@example.com"')
  })

  it('holds for arbitrary mixes of dangerous fragments', () => {
    const fragment = fc.constantFrom('<', '>', '"', '\'', '`', '(', ')', '[', ']', '!', '\n', ' ', '&#x09;', '&#106;', '&colon;', 'javascript:', 'data:text/html,', 'vbscript:', '<script>', 'onerror=', 'alert(1)', '<img src=x ', '<svg onload=', 'https://e.com/', '```', '|', '---', '\\', '*', '_')
    fc.assert(fc.property(fc.array(fragment, { maxLength: 40 }), (parts) => {
      const html = renderMarkdown(parts.join(''))
      expect(dangers(html)).toEqual([])
    }), { numRuns: 300 })
  })
})

describe('sanitizeHtml: raw HTML, as if the renderer had let it through', () => {
  it.each([
    ['<script>alert(1)</script><p>ok</p>', '<p>ok</p>'],
    ['<img src="https://example.com/p.png" onerror="alert(1)">', ''],
    ['<p onclick="alert(1)" id="x" data-x="1" aria-label="l">t</p>', '<p>t</p>'],
    ['<a href="javascript:alert(1)">x</a>', '<a>x</a>'],
    ['<a href="jav&#x09;ascript:alert(1)">x</a>', '<a>x</a>'],
    ['<a href="data:text/html,hi">x</a>', '<a>x</a>'],
    ['<a href="https://example.com" target="_self" rel="opener">x</a>', '<a href="https://example.com" target="_blank" rel="noopener noreferrer nofollow">x</a>'],
    ['<a target="_blank" rel="opener">x</a>', '<a>x</a>'],
    ['<svg><a href="javascript:alert(1)"><text>x</text></a></svg>', ''],
    ['<iframe srcdoc="<script>alert(1)</script>"></iframe>', ''],
    ['<form action="/x"><button formaction="javascript:alert(1)">b</button></form>', 'b'],
    ['<span style="background:url(https://example.com/t.png)">t</span>', '<span>t</span>'],
    ['<span style="--shiki-light:#fff;position:fixed">t</span>', '<span>t</span>'],
    ['<span style="--shiki-light:url(https://example.com/)">t</span>', '<span>t</span>'],
    ['<p style="text-align:center">t</p>', '<p>t</p>'],
    ['<td style="text-align:right;color:red">t</td>', 't'],
    ['<span class="fixed inset-0 z-50">t</span>', '<span>t</span>'],
    ['<pre tabindex="-1"><code class="language-js">x</code></pre>', '<pre><code class="language-js">x</code></pre>'],
    ['<ol start="3"><li>x</li></ol><ul start="2"><li>y</li></ul>', '<ol start="3"><li>x</li></ol><ul><li>y</li></ul>'],
  ])('%s', (dirty, clean) => {
    expect(sanitizeHtml(dirty)).toBe(clean)
  })
})

describe('renderMarkdown: ordinary markdown comes out as before', () => {
  it('highlights code with Shiki spans and both themes as variables', () => {
    const html = renderMarkdown('```js\nconst a = 1 // one\n```')
    expect(html).toContain('<pre class="shiki shiki-themes github-light github-dark" style="--shiki-light:#24292e;--shiki-dark:#e1e4e8;--shiki-light-bg:#fff;--shiki-dark-bg:#24292e" tabindex="0"><code><span class="line">')
    expect(html).toContain('<span style="--shiki-light:#D73A49;--shiki-dark:#F97583">const</span>')
    expect(html).toContain('<span style="--shiki-light:#6A737D;--shiki-dark:#6A737D"> // one</span>')
  })

  it('keeps an unknown language plain, with its language class', () => {
    expect(renderMarkdown('```weird\nx < y\n```')).toBe('<pre><code class="language-weird">x &lt; y\n</code></pre>\n')
  })

  it('renders tables with their alignment', () => {
    expect(renderMarkdown('| a | b |\n|:-:|--:|\n| 1 | 2 |')).toBe('<table>\n<thead>\n<tr>\n<th style="text-align:center">a</th>\n<th style="text-align:right">b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td style="text-align:center">1</td>\n<td style="text-align:right">2</td>\n</tr>\n</tbody>\n</table>\n')
  })

  it('opens links apart from the app, with their title', () => {
    expect(renderMarkdown('[docs](https://example.com/d "Docs") and <https://example.com/a>')).toBe(
      '<p><a href="https://example.com/d" title="Docs" target="_blank" rel="noopener noreferrer nofollow">docs</a> and '
      + '<a href="https://example.com/a" target="_blank" rel="noopener noreferrer nofollow">https://example.com/a</a></p>\n',
    )
  })

  it('keeps the rest of markdown-it\'s output', () => {
    const source = '# Title\n\n**b** *e* ~~s~~ `c`\nnext line\n\n> quote\n\n3. three\n4. four\n\n- x\n\n---'
    expect(renderMarkdown(source)).toBe('<h1>Title</h1>\n<p><strong>b</strong> <em>e</em> <s>s</s> <code>c</code><br>\nnext line</p>\n<blockquote>\n<p>quote</p>\n</blockquote>\n<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>\n<ul>\n<li>x</li>\n</ul>\n<hr>\n')
  })

  it('shows `<`, `>`, `&` and quotes of the text as text', () => {
    expect(renderMarkdown('a < b && "c" > \'d\'')).toBe('<p>a &lt; b &amp;&amp; "c" &gt; \'d\'</p>\n')
  })
})

describe('renderMarkdown: images are never loaded by rendering', () => {
  it('turns a remote image into a link to open by hand', () => {
    expect(renderMarkdown('![a pixel](https://example.com/p.png "Pixel")')).toBe(
      '<p><a href="https://example.com/p.png" title="Pixel" target="_blank" rel="noopener noreferrer nofollow">🖼 a pixel</a></p>\n',
    )
  })

  it('turns a reference image into a link too', () => {
    expect(renderMarkdown('![p][r]\n\n[r]: https://example.com/r.png')).toContain('<a href="https://example.com/r.png" target="_blank" rel="noopener noreferrer nofollow">🖼 p</a>')
  })

  it('shows a data: image, or an image inside a link, as its label only', () => {
    expect(renderMarkdown('![dot](data:image/png;base64,iVBORw0KGgo=)')).toBe('<p>🖼 dot</p>\n')
    expect(renderMarkdown('[![badge](https://example.com/b.svg)](https://example.org)')).toBe(
      '<p><a href="https://example.org" target="_blank" rel="noopener noreferrer nofollow">🖼 badge</a></p>\n',
    )
  })

  it('escapes the alt text and never emits <img>, whatever the alt or URL', () => {
    const html = renderMarkdown('![<img src=x onerror=alert(1)>](https://example.com/x.png) ![x](javascript:alert(1))')
    expect(html).not.toMatch(/<img/i)
    expect(dangers(html)).toEqual([])
  })
})

describe('renderMarkdown: the server cache', () => {
  it('returns the same HTML for the same id and text, and renders a changed text again', () => {
    const first = renderMarkdown('**one**', 'msg_cache')
    expect(renderMarkdown('**one**', 'msg_cache')).toBe(first)
    expect(renderMarkdown('**two**', 'msg_cache')).toBe('<p><strong>two</strong></p>\n')
  })
})

describe('renderMarkdown: highlighting cannot be made slow', () => {
  const time = (source: string) => {
    const started = performance.now()
    const html = renderMarkdown(source)
    return { ms: performance.now() - started, html }
  }

  it('a 32,000-character message of long identifiers in a js block renders in well under a second', () => {
    // Unbounded, Shiki takes about 37 s on this (quadratic in the length of one token).
    const oneLine = time(`\`\`\`js\n${'a'.repeat(31_990)}\n\`\`\``)
    expect(oneLine.ms).toBeLessThan(1_000)
    expect(oneLine.html).toContain('<pre')
    const manyLines = time(`\`\`\`js\n${Array.from({ length: 80 }, () => 'b'.repeat(299)).join('\n')}\n\`\`\``)
    expect(manyLines.ms).toBeLessThan(1_000)
    const manyBlocks = time(Array.from({ length: 40 }, () => `\`\`\`ts\n${'c'.repeat(790)}\n\`\`\``).join('\n'))
    expect(manyBlocks.ms).toBeLessThan(1_000)
  })

  it('still highlights ordinary code, and a block past the budget is shown plain', () => {
    expect(renderMarkdown('```js\nconst total = items.reduce((a, b) => a + b, 0)\n```')).toContain('--shiki-light')
    const big = renderMarkdown(`\`\`\`js\n${'let x = 1\n'.repeat(1_500)}\`\`\``)
    expect(big).not.toContain('--shiki-light')
    expect(big).toContain('let x = 1')
  })
})
