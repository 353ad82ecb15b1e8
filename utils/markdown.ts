// Markdown for messages and task results, rendered the same way by SSR and the browser. Two lines of
// defence: markdown-it runs with raw HTML off (a `<script>` or `onerror=` in the source comes out as
// text) and its link validator on; then DOMPurify (utils/sanitize.ts) keeps only the tags, attributes
// and URLs this renderer emits. Images are never loaded on render: they become links to open by hand.
// The renderer itself loads on demand in the browser (none of it is needed for a first paint, whose
// HTML the server rendered); highlighting and math load later still, when a message needs them.
import type { Token } from 'markdown-it'
import { highlightCode, languageLoaded, languageOf, loadHighlighter, resetHighlightBudget } from './highlight'
import { fillMath, loadMath, mathLoaded, mathPlugin, type MathEnv } from './math'

type MarkdownItClass = typeof import('markdown-it').default
type MarkdownIt = InstanceType<MarkdownItClass>

let md: MarkdownIt | null = null
/** The sanitiser's module, imported with markdown-it (it is not needed to hydrate a message). */
let sanitizer: typeof import('./sanitize') | null = null
let coreLoading: Promise<void> | null = null

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

function createRenderer(MarkdownItClass: MarkdownItClass): MarkdownIt {
  const renderer = new MarkdownItClass({ html: false, linkify: true, breaks: true, highlight: highlightCode })
  const escape = renderer.utils.escapeHtml
  const defaultLinkOpen = renderer.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options))
  renderer.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    tokens[idx]!.attrSet('target', '_blank')
    tokens[idx]!.attrSet('rel', 'noopener noreferrer nofollow')
    return defaultLinkOpen(tokens, idx, options, env, self)
  }
  // A remote image would tell its server who reads the message and when (model output can carry any
  // URL), so `![alt](url)` becomes a link labelled "🖼 alt" to open on purpose. A data: image is only
  // its label: nothing in this app produces one, and inline pictures could imitate the app's own UI.
  renderer.renderer.rules.image = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!
    const src = String(token.attrGet('src') ?? '')
    const title = String(token.attrGet('title') ?? '')
    const label = `🖼 ${escape(self.renderInlineAsText(token.children ?? [], options, env) || 'image')}`
    if (/^data:/i.test(src) || insideLink(tokens, idx)) return label
    const titleAttr = title ? ` title="${escape(title)}"` : ''
    return `<a href="${escape(src)}"${titleAttr} target="_blank" rel="noopener noreferrer nofollow">${label}</a>`
  }
  renderer.use(mathPlugin)
  return renderer
}

/** Whether the inline token at `idx` sits between a link_open and its link_close. */
function insideLink(tokens: Token[], idx: number): boolean {
  let depth = 0
  for (let i = 0; i < idx; i++) {
    if (tokens[i]!.type === 'link_open') depth++
    else if (tokens[i]!.type === 'link_close') depth--
  }
  return depth > 0
}

/** Loads markdown-it and the sanitiser (the browser, on demand); rendering before that gives escaped text. */
export function loadMarkdownCore(): Promise<void> {
  coreLoading ??= Promise.all([
    import('markdown-it'),
    import('./sanitize').then(async (module) => {
      await module.loadSanitizer()
      sanitizer = module
    }),
  ]).then(([module]) => {
    md = createRenderer(module.default)
  })
  return coreLoading
}

/** Everything, highlighting and math included: the server before any render, and the unit tests. */
export async function loadMarkdown(): Promise<void> {
  await Promise.all([loadMarkdownCore(), loadHighlighter(), loadMath()])
}

export function markdownReady(): boolean {
  return md !== null && sanitizer?.sanitizeHtml('') != null
}

/** markdown-it's HTML, sanitised, with the math put back; null until the renderer is loaded. */
function renderSafe(source: string): string | null {
  if (!md) return null
  const env: MathEnv = { nonce: `m${Math.random().toString(36).slice(2, 12)}`, math: [] }
  const html = sanitizer?.sanitizeHtml(md.render(source, env as unknown as Parameters<MarkdownIt['render']>[1]))
  return html == null ? null : fillMath(html, env)
}

/**
 * Safe HTML for `v-html`; plain escaped text if the renderer is not loaded (fails closed). `cacheKey`
 * (the message's or task's id) lets the server reuse the result of an unchanged text.
 */
export function renderMarkdown(source: string, cacheKey?: string): string {
  const key = !import.meta.client && cacheKey ? `${cacheKey}\n${source}` : null
  const cached = key === null ? undefined : fromCache(key)
  if (cached !== undefined) return cached
  resetHighlightBudget()
  const html = renderSafe(source)
  if (html === null) return `<p>${escapeText(source)}</p>`
  if (key !== null) remember(key, html)
  return html
}

/** The top-level blocks of a message, and what rendering them needs that may not be loaded yet. */
export interface MarkdownBlocks {
  sources: string[]
  /** Languages of its code blocks that are not highlighted yet. */
  languages: NonNullable<ReturnType<typeof languageOf>>[]
  /** It has math and KaTeX is not loaded. */
  math: boolean
}

/**
 * Splits a message into its top-level blocks (paragraphs, lists, code blocks…) so that a component
 * renders each one apart and keeps the finished ones while a reply streams. A message with link
 * reference definitions stays whole (a definition applies to every block).
 */
export function splitBlocks(source: string): MarkdownBlocks {
  if (!md) return { sources: [source], languages: [], math: false }
  const env: { references?: Record<string, unknown> } = {}
  const tokens = md.parse(source, env as Parameters<MarkdownIt['parse']>[1])
  const languages = new Set<NonNullable<ReturnType<typeof languageOf>>>()
  let math = false
  const lines = source.split('\n')
  const sources: string[] = []
  for (const token of tokens) {
    if (token.type === 'fence') {
      const name = languageOf(token.info.trim().split(/\s+/)[0]!.toLowerCase())
      if (name && !languageLoaded(name)) languages.add(name)
    }
    if (token.type === 'math_block' || token.children?.some((child: Token) => child.type === 'math_inline')) math ||= !mathLoaded()
    if (token.level === 0 && token.nesting >= 0 && token.map && token.type !== 'inline') {
      sources.push(lines.slice(token.map[0], token.map[1]).join('\n').replace(/\n+$/, ''))
    }
  }
  const whole = (env.references && Object.keys(env.references).length > 0) || !sources.length
  return { sources: whole ? [source] : sources, languages: [...languages], math }
}

/** One block's safe HTML, each code block with a copy button (labelled `copyLabel`, text `copyText`). */
export function renderBlock(source: string, copyLabel: string, copyText: string): string {
  const html = renderMarkdown(source)
  if (!html.includes('<pre')) return html
  const button = `<button type="button" class="code-copy" aria-label="${escapeText(copyLabel)}">${escapeText(copyText)}</button>`
  // After sanitising, `<pre` and `</pre>` can only be markdown-it's own tags (text has them escaped).
  return html.replace(/<pre\b/g, `<div class="code-block">${button}<pre`).replace(/<\/pre>/g, '</pre></div>')
}

// SSR renders every message of a topic on each page view, and DOMPurify on jsdom costs several times
// markdown-it's own time, so the server keeps recent results, least recently used out first, up to a
// total size. The key holds the id with the text: another user sending the same text never hits
// (nor can time) someone else's entry. The browser does not cache: its DOMPurify is fast.
const CACHE_LIMIT_CHARS = 4_000_000
const cache = new Map<string, string>()
let cachedChars = 0

function fromCache(key: string): string | undefined {
  const html = cache.get(key)
  if (html !== undefined) {
    cache.delete(key)
    cache.set(key, html)
  }
  return html
}

function remember(key: string, html: string) {
  const size = key.length + html.length
  if (size > CACHE_LIMIT_CHARS / 4) return
  cache.set(key, html)
  cachedChars += size
  for (const [oldKey, oldHtml] of cache) {
    if (cachedChars <= CACHE_LIMIT_CHARS) break
    cache.delete(oldKey)
    cachedChars -= oldKey.length + oldHtml.length
  }
}
