// The server renders messages with everything loaded (highlighting, math) before the first render.
// The browser needs none of it to hydrate (v-html keeps the server's HTML), so it loads markdown-it
// and the sanitiser once the page is up; MarkdownContent re-renders when they arrive, and loads
// Shiki's grammars and KaTeX only for the messages that need them. The import is dynamic so that
// none of it (nor MarkdownContent, a lazy component) is part of the first paint's scripts.
const markdown = () => import('~/utils/markdown')

function loadInBrowser() {
  markdown().then(m => m.loadMarkdownCore()).catch(error => console.warn('[markdown] could not load', error))
}

export default defineNuxtPlugin({
  name: 'markdown',
  parallel: true,
  async setup() {
    if (import.meta.server) return (await markdown()).loadMarkdown()
    onNuxtReady(loadInBrowser)
  },
})
