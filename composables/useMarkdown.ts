// Markdown for messages and task results. Sanitising by construction: markdown-it runs with raw HTML
// off (any `<script>` or `onerror=` in the source comes out as text) and its link validator refuses
// javascript:, vbscript:, file: and non-image data: URLs. Code blocks are highlighted by Shiki.
import MarkdownIt from 'markdown-it'
import type { HighlighterCore } from 'shiki/core'

let highlighter: HighlighterCore | null = null
let loading: Promise<void> | null = null

const LANG_ALIASES: Record<string, string> = { js: 'javascript', ts: 'typescript', sh: 'bash', shell: 'bash', py: 'python', yml: 'yaml' }

/** Loads Shiki with a small set of languages once per process (server) or page (browser). */
export function loadHighlighter(): Promise<void> {
  loading ??= (async () => {
    const [{ createHighlighterCore }, { createJavaScriptRegexEngine }] = await Promise.all([
      import('shiki/core'),
      import('shiki/engine/javascript'),
    ])
    highlighter = await createHighlighterCore({
      themes: [import('shiki/themes/github-light.mjs'), import('shiki/themes/github-dark.mjs')],
      langs: [
        import('shiki/langs/javascript.mjs'),
        import('shiki/langs/typescript.mjs'),
        import('shiki/langs/json.mjs'),
        import('shiki/langs/bash.mjs'),
        import('shiki/langs/python.mjs'),
        import('shiki/langs/html.mjs'),
        import('shiki/langs/css.mjs'),
        import('shiki/langs/sql.mjs'),
        import('shiki/langs/yaml.mjs'),
      ],
      engine: createJavaScriptRegexEngine(),
    })
  })().catch((error) => {
    console.warn('[markdown] code highlighting is off:', error)
  })
  return loading
}

function highlight(code: string, lang: string): string {
  const name = LANG_ALIASES[lang] ?? lang
  if (!highlighter || !name || !highlighter.getLoadedLanguages().includes(name)) return ''
  return highlighter.codeToHtml(code, { lang: name, themes: { light: 'github-light', dark: 'github-dark' }, defaultColor: false })
}

const md = new MarkdownIt({ html: false, linkify: true, breaks: true, highlight })

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options))
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet('target', '_blank')
  tokens[idx]!.attrSet('rel', 'noopener noreferrer nofollow')
  return defaultLinkOpen(tokens, idx, options, env, self)
}

export function renderMarkdown(source: string): string {
  return md.render(source)
}
