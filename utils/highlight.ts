// Code highlighting for rendered markdown: Shiki with both themes as CSS variables (assets/css/main.css
// picks one per color mode). The server loads every language at start-up; the browser loads Shiki's
// core with the first code block and each language's grammar when a block of it appears (until
// then the block is plain), so none of it is in the first load of a page.
import type { HighlighterCore } from 'shiki/core'

const LANGUAGES = {
  javascript: () => import('shiki/langs/javascript.mjs'),
  typescript: () => import('shiki/langs/typescript.mjs'),
  json: () => import('shiki/langs/json.mjs'),
  bash: () => import('shiki/langs/bash.mjs'),
  python: () => import('shiki/langs/python.mjs'),
  html: () => import('shiki/langs/html.mjs'),
  css: () => import('shiki/langs/css.mjs'),
  sql: () => import('shiki/langs/sql.mjs'),
  yaml: () => import('shiki/langs/yaml.mjs'),
} as const
type Language = keyof typeof LANGUAGES

const LANG_ALIASES: Record<string, Language> = { js: 'javascript', ts: 'typescript', sh: 'bash', shell: 'bash', py: 'python', yml: 'yaml' }

let highlighter: HighlighterCore | null = null
let core: Promise<HighlighterCore | null> | null = null
const languages = new Map<Language, Promise<boolean>>()
/** Grammars load one after another: Shiki's registry resolves embedded languages wrongly when loads overlap. */
let queue: Promise<unknown> = Promise.resolve()

/** The grammar a fence's language tag names, if this app highlights it. */
export function languageOf(tag: string): Language | null {
  const name = LANG_ALIASES[tag] ?? tag
  return name in LANGUAGES ? name as Language : null
}

function loadCore(): Promise<HighlighterCore | null> {
  core ??= (async () => {
    const [{ createHighlighterCore }, { createJavaScriptRegexEngine }] = await Promise.all([
      import('shiki/core'),
      import('shiki/engine/javascript'),
    ])
    highlighter = await createHighlighterCore({
      themes: [import('shiki/themes/github-light.mjs'), import('shiki/themes/github-dark.mjs')],
      langs: [],
      engine: createJavaScriptRegexEngine(),
    })
    return highlighter
  })().catch((error) => {
    console.warn('[markdown] code highlighting is off:', error)
    return null
  })
  return core
}

/** Loads one language's grammar (and Shiki with the first); resolves true once blocks of it highlight. */
export function loadLanguage(name: Language): Promise<boolean> {
  let loading = languages.get(name)
  if (!loading) {
    const next = queue.then(loadCore).then(async (shiki) => {
      if (!shiki) return false
      await shiki.loadLanguage(await LANGUAGES[name]())
      // Loading a grammar can leave the registry's theme out of step with the one Shiki believes is
      // set (the light colours then come out as the default foreground): set both again.
      shiki.setTheme('github-light')
      shiki.setTheme('github-dark')
      return true
    }).catch(() => false)
    queue = next
    loading = next
    languages.set(name, loading)
  }
  return loading
}

/** Loads every language (the server, before it renders anything; the unit tests). */
export async function loadHighlighter(): Promise<void> {
  await Promise.all((Object.keys(LANGUAGES) as Language[]).map(loadLanguage))
}

export function languageLoaded(name: Language): boolean {
  return !!highlighter?.getLoadedLanguages().includes(name)
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
  const name = languageOf(lang)
  if (!highlighter || !name || !languageLoaded(name) || code.length > budget) return ''
  budget -= code.length
  return highlighter.codeToHtml(code, { lang: name, themes: { light: 'github-light', dark: 'github-dark' }, defaultColor: false, tokenizeMaxLineLength: MAX_LINE_CHARS })
}
