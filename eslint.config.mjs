// @ts-check
import withNuxt from './.nuxt/eslint.config.mjs'

export default withNuxt(
  {
    ignores: ['.output', '.nuxt', 'tests/.tmp', 'server/database/migrations'],
  },
  {
    // v-html only ever receives renderMarkdown() output: markdown-it with raw HTML off, then DOMPurify.
    rules: { 'vue/no-v-html': 'off' },
  },
)
