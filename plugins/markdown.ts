// Rendering is ready before the first render on both sides (Shiki, and DOMPurify, on jsdom on the
// server), so the server's HTML and the browser's agree at hydration.
export default defineNuxtPlugin({
  name: 'markdown',
  parallel: true,
  async setup() {
    await loadMarkdown()
  },
})
