// Markdown for messages and task results, rendered the same way by SSR and the browser. Two lines of
// defence: markdown-it runs with raw HTML off (a `<script>` or `onerror=` in the source comes out as
// text) and its link validator on; then DOMPurify (utils/sanitize.ts) keeps only the tags, attributes
// and URLs this renderer emits.
import MarkdownIt from 'markdown-it'
import { highlightCode, loadHighlighter } from './highlight'
import { loadSanitizer, sanitizeHtml } from './sanitize'

const md = new MarkdownIt({ html: false, linkify: true, breaks: true, highlight: highlightCode })
const escape = md.utils.escapeHtml

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options))
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet('target', '_blank')
  tokens[idx]!.attrSet('rel', 'noopener noreferrer nofollow')
  return defaultLinkOpen(tokens, idx, options, env, self)
}

/** Loads what rendering needs (highlighter, sanitiser); awaited by plugins/markdown.ts before any render. */
export async function loadMarkdown(): Promise<void> {
  await Promise.all([loadHighlighter(), loadSanitizer()])
}

/** Safe HTML for `v-html`; plain escaped text if the sanitiser is not loaded (fails closed). */
export function renderMarkdown(source: string): string {
  return sanitizeHtml(md.render(source)) ?? `<p>${escape(source)}</p>`
}
