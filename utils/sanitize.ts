// The sanitiser after markdown: DOMPurify with an allow-list of exactly what utils/markdown.ts emits
// (markdown-it's tags, Shiki's spans, links, tables). It runs on both sides with the same settings,
// so the server's HTML and the browser's agree at hydration: in the browser on the page's own DOM,
// on the server on a jsdom window, imported only there so that jsdom never reaches the browser.
import type { Config, DOMPurify, UponSanitizeAttributeHookEvent, WindowLike } from 'dompurify'

const CONFIG: Config = {
  ALLOWED_TAGS: ['a', 'blockquote', 'br', 'code', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'li', 'ol', 'p', 'pre', 's', 'span', 'strong', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'ul'],
  ALLOWED_ATTR: ['href', 'title', 'target', 'rel', 'class', 'style', 'tabindex', 'start'],
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  // http(s) and mailto links, and relative ones (#, /, ?, or a word not followed by a colon).
  ALLOWED_URI_REGEXP: /^(?:(?:https?|mailto):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i,
}

// Shiki's colors (`--shiki-light:#D73A49`) and markdown-it's table alignment: no url(), no escapes.
const SHIKI_DECLARATION = /^--shiki-(?:light|dark)(?:-bg|-font-style|-font-weight|-text-decoration)?:[#\w -]+$/
const ALIGN_DECLARATION = /^text-align:(?:left|center|right)$/
// Shiki's classes and markdown-it's `language-x` of an unhighlighted fence: nothing that the page's
// own CSS (Tailwind's `fixed inset-0`…) could use to move a message over the app.
const CLASS_NAME = /^(?:shiki|shiki-themes|github-light|github-dark|line|language-[\w+#.-]+)$/
const LINK_REL = 'noopener noreferrer nofollow'

let purifier: DOMPurify | null = null
let loading: Promise<void> | null = null

/** Loads DOMPurify once per process (server) or page (browser); until then sanitizeHtml refuses. */
export function loadSanitizer(): Promise<void> {
  // Imported here, not at the top: in the browser DOMPurify loads with the renderer, after the first paint.
  loading ??= Promise.all([import('dompurify'), domWindow()]).then(([{ default: createDOMPurify }, window]) => {
    purifier = withHooks(createDOMPurify(window))
    // Set once: a config passed to every sanitize() call is parsed again each time (~0.1 ms on jsdom).
    purifier.setConfig(CONFIG)
  }).catch((error) => {
    console.error('[markdown] the sanitiser did not load; messages show as plain text:', error)
  })
  return loading
}

async function domWindow(): Promise<WindowLike> {
  // `import.meta.client` is a build-time constant in Nuxt, so the browser build drops this branch
  // (and jsdom with it); plain Node (the unit tests) has neither flag and takes it.
  if (!import.meta.client) {
    const { JSDOM } = await import('jsdom')
    return new JSDOM('').window as unknown as WindowLike
  }
  return window
}

/** The allowed part of `html`, or null while (or if) the sanitiser is not loaded. */
export function sanitizeHtml(html: string): string | null {
  return purifier ? purifier.sanitize(html) : null
}

function withHooks(purify: DOMPurify): DOMPurify {
  purify.addHook('uponSanitizeAttribute', (node, event) => {
    if (event.keepAttr && !attributeAllowed(node, event)) event.keepAttr = false
  })
  // Every link opens apart from the app and tells nothing about it, whatever the source said.
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName !== 'A') return
    if (node.hasAttribute('href')) {
      node.setAttribute('target', '_blank')
      node.setAttribute('rel', LINK_REL)
    }
    else {
      node.removeAttribute('target')
      node.removeAttribute('rel')
    }
  })
  return purify
}

function attributeAllowed(node: Element, event: UponSanitizeAttributeHookEvent): boolean {
  const tag = node.nodeName
  const value = event.attrValue
  switch (event.attrName) {
    case 'style': return styleAllowed(tag, value)
    case 'class': {
      const names = value.split(/\s+/).filter(Boolean)
      return names.length > 0 && names.every(name => CLASS_NAME.test(name))
    }
    case 'tabindex': return tag === 'PRE' && value === '0'
    case 'start': return tag === 'OL' && /^\d{1,9}$/.test(value)
    case 'target':
    case 'rel': return tag === 'A'
    default: return true
  }
}

function styleAllowed(tag: string, style: string): boolean {
  const declarations = style.split(';').map(part => part.trim()).filter(Boolean)
  const pattern = tag === 'TH' || tag === 'TD' ? ALIGN_DECLARATION : tag === 'PRE' || tag === 'SPAN' ? SHIKI_DECLARATION : null
  return !!pattern && declarations.length > 0 && declarations.every(declaration => pattern.test(declaration))
}
