// The server renders messages with everything loaded (highlighting, math) before the first render.
// The browser needs none of it to hydrate (v-html keeps the server's HTML), so it loads markdown-it
// and the sanitiser once the page is up; MarkdownContent re-renders when they arrive, and loads
// Shiki's grammars and KaTeX only for the messages that need them.
export default defineNuxtPlugin({
  name: 'markdown',
  parallel: true,
  async setup() {
    if (import.meta.server) await loadMarkdown()
    else onNuxtReady(() => void loadMarkdownCore())
  },
})
