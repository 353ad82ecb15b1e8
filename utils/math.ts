// TeX math in messages: `$…$` inline and `$$…$$` (inline or on lines of their own), rendered by
// KaTeX. KaTeX and its stylesheet load only when a message contains math (the server loads it with
// the rest of the renderer). KaTeX's output never goes through the sanitiser's narrow allow-list: the
// math renderers leave an unguessable placeholder that is replaced after sanitising (KaTeX escapes
// its input, and `trust: false` keeps \href, \url and \htmlClass out).
import type { StateBlock, StateInline } from 'markdown-it'

type MarkdownIt = InstanceType<typeof import('markdown-it').default>

type Katex = typeof import('katex').default
let katex: Katex | null = null
let loading: Promise<boolean> | null = null

/** The math of one rendering: KaTeX's HTML by index, behind placeholders carrying `nonce`. */
export interface MathEnv {
  nonce: string
  math: string[]
}

export function mathLoaded(): boolean {
  return katex !== null
}

/** Loads KaTeX (and in the browser its stylesheet and fonts, same-origin files, as the page's CSP wants). */
export function loadMath(): Promise<boolean> {
  loading ??= Promise.all([
    import('katex'),
    // Its fonts stay files: nuxt.config.ts keeps the build from inlining fonts (the CSP refuses data: fonts).
    import.meta.client ? import('katex/dist/katex.min.css') : null,
  ]).then(([module]) => {
    katex = module.default
    return true
  }).catch((error) => {
    console.warn('[markdown] math rendering is off:', error)
    return false
  })
  return loading
}

function renderTex(tex: string, displayMode: boolean): string {
  return katex!.renderToString(tex, { displayMode, throwOnError: false, trust: false, strict: 'ignore', maxSize: 20, maxExpand: 200, output: 'htmlAndMathml' })
}

/** Puts KaTeX's HTML where the renderers left their placeholders (after sanitising). */
export function fillMath(html: string, env: MathEnv): string {
  if (!env.math.length) return html
  return html.replace(new RegExp(`${env.nonce}-(\\d+)-`, 'g'), (_, index: string) => env.math[Number(index)] ?? '')
}

/** Adds the `$` rules to markdown-it; without KaTeX loaded the math stays as its source text. */
export function mathPlugin(md: MarkdownIt) {
  md.inline.ruler.after('escape', 'math_inline', mathInline)
  md.block.ruler.after('blockquote', 'math_block', mathBlock, { alt: ['paragraph', 'reference', 'blockquote', 'list'] })
  const render = (block: boolean): NonNullable<typeof md.renderer.rules.math_inline> => (tokens, idx, _options, renderEnv) => {
    const env = renderEnv as Partial<MathEnv>
    const { content, markup } = tokens[idx]!
    const source = md.utils.escapeHtml(`${markup}${content}${markup}`)
    if (!katex || !env.math || !env.nonce) return block ? `<p>${source}</p>\n` : source
    env.math.push(renderTex(content, markup === '$$'))
    const placeholder = `${env.nonce}-${env.math.length - 1}-`
    return block ? `<p>${placeholder}</p>\n` : placeholder
  }
  md.renderer.rules.math_inline = render(false)
  md.renderer.rules.math_block = render(true)
}

// `$x$`: no space inside either dollar, and no digit right after the closing one ("$5 and $10").
function mathInline(state: StateInline, silent: boolean): boolean {
  const { src, pos: start } = state
  if (src.charCodeAt(start) !== 0x24) return false
  const display = src.charCodeAt(start + 1) === 0x24
  const marker = display ? '$$' : '$'
  let end = src.indexOf(marker, start + marker.length)
  while (end > 0 && src.charCodeAt(end - 1) === 0x5C) end = src.indexOf(marker, end + 1)
  if (end < 0 || end === start + marker.length) return false
  const content = src.slice(start + marker.length, end)
  if (!display && (/^\s|\s$/.test(content) || /\d/.test(src.charAt(end + 1)))) return false
  if (!silent) {
    const token = state.push('math_inline', 'math', 0)
    token.content = content
    token.markup = marker
  }
  state.pos = end + marker.length
  return true
}

// `$$` opening a line, up to the line that ends with `$$`.
function mathBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  const first = state.src.slice(state.bMarks[startLine]! + state.tShift[startLine]!, state.eMarks[startLine]).trim()
  if (state.sCount[startLine]! - state.blkIndent >= 4 || !first.startsWith('$$')) return false
  let lines = [first.slice(2)]
  let line = startLine
  let closed = first.length > 2 && first.endsWith('$$')
  if (closed) lines = [first.slice(2, -2)]
  while (!closed && ++line < endLine) {
    const text = state.src.slice(state.bMarks[line]! + state.tShift[line]!, state.eMarks[line]).trim()
    closed = text.endsWith('$$')
    lines.push(closed ? text.slice(0, -2) : text)
  }
  if (!closed) return false
  if (silent) return true
  state.line = line + 1
  const token = state.push('math_block', 'math', 0)
  token.block = true
  token.content = lines.join('\n').trim()
  token.markup = '$$'
  token.map = [startLine, state.line]
  return true
}
