// Code highlighting for rendered markdown: Shiki with a small set of languages and both themes as CSS
// variables (assets/css/main.css picks one per color mode).
import type { HighlighterCore } from 'shiki/core'

let highlighter: HighlighterCore | null = null
let loading: Promise<void> | null = null

const LANG_ALIASES: Record<string, string> = { js: 'javascript', ts: 'typescript', sh: 'bash', shell: 'bash', py: 'python', yml: 'yaml' }

/** Loads Shiki once per process (server) or page (browser); without it code blocks stay plain. */
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

// Shiki's grammars are quadratic in the length of one token (an 8,000-letter identifier costs seconds),
// so long lines are not tokenised, and each rendering highlights a bounded amount of code; the rest
// is shown plain. This bounds the main thread's time per message in SSR and in the browser.
const MAX_LINE_CHARS = 300
const BUDGET_CHARS = 12_000
let budget = BUDGET_CHARS

/** Called before each rendering: its code blocks share one highlighting budget. */
export function resetHighlightBudget() {
  budget = BUDGET_CHARS
}

/** A highlighted `<pre>` for markdown-it's `highlight` option, or '' to let markdown-it render it plain. */
export function highlightCode(code: string, lang: string): string {
  const name = LANG_ALIASES[lang] ?? lang
  if (!highlighter || !name || !highlighter.getLoadedLanguages().includes(name) || code.length > budget) return ''
  budget -= code.length
  return highlighter.codeToHtml(code, { lang: name, themes: { light: 'github-light', dark: 'github-dark' }, defaultColor: false, tokenizeMaxLineLength: MAX_LINE_CHARS })
}
