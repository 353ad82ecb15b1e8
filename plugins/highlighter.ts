// Code highlighting is ready before the first render on both sides, so SSR and hydration agree.
export default defineNuxtPlugin({
  name: 'highlighter',
  parallel: true,
  async setup() {
    await loadHighlighter()
  },
})
