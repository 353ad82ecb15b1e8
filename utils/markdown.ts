// Markdown for messages and task results, rendered the same way by SSR and the browser. Two lines of
// defence: markdown-it runs with raw HTML off (a `<script>` or `onerror=` in the source comes out as
// text) and its link validator on; then DOMPurify (utils/sanitize.ts) keeps only the tags, attributes
// and URLs this renderer emits. Images are never loaded on render: they become links to open by hand.
import MarkdownIt from 'markdown-it'
import type { Token } from 'markdown-it'
import { highlightCode, loadHighlighter, resetHighlightBudget } from './highlight'
import { loadSanitizer, sanitizeHtml } from './sanitize'

const md = new MarkdownIt({ html: false, linkify: true, breaks: true, highlight: highlightCode })
const escape = md.utils.escapeHtml

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options))
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet('target', '_blank')
  tokens[idx]!.attrSet('rel', 'noopener noreferrer nofollow')
  return defaultLinkOpen(tokens, idx, options, env, self)
}

// A remote image would tell its server who reads the message and when (model output can carry any
// URL), so `![alt](url)` becomes a link labelled "🖼 alt" to open on purpose. A data: image is only
// its label: nothing in this app produces one, and inline pictures could imitate the app's own UI.
md.renderer.rules.image = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!
  const src = String(token.attrGet('src') ?? '')
  const title = String(token.attrGet('title') ?? '')
  const label = `🖼 ${escape(self.renderInlineAsText(token.children ?? [], options, env) || 'image')}`
  if (/^data:/i.test(src) || insideLink(tokens, idx)) return label
  const titleAttr = title ? ` title="${escape(title)}"` : ''
  return `<a href="${escape(src)}"${titleAttr} target="_blank" rel="noopener noreferrer nofollow">${label}</a>`
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

/** Loads what rendering needs (highlighter, sanitiser); awaited by plugins/markdown.ts before any render. */
export async function loadMarkdown(): Promise<void> {
  await Promise.all([loadHighlighter(), loadSanitizer()])
}

/**
 * Safe HTML for `v-html`; plain escaped text if the sanitiser is not loaded (fails closed). `cacheKey`
 * (the message's or task's id) lets the server reuse the result of an unchanged text.
 */
export function renderMarkdown(source: string, cacheKey?: string): string {
  const key = !import.meta.client && cacheKey ? `${cacheKey}\n${source}` : null
  const cached = key === null ? undefined : fromCache(key)
  if (cached !== undefined) return cached
  resetHighlightBudget()
  const html = sanitizeHtml(md.render(source))
  if (html === null) return `<p>${escape(source)}</p>`
  if (key !== null) remember(key, html)
  return html
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
