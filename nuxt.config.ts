// https://nuxt.com/docs/api/configuration/nuxt-config
export default defineNuxtConfig({
  modules: ['@pinia/nuxt', '@nuxtjs/tailwindcss', '@nuxtjs/color-mode', '@nuxt/eslint'],
  devtools: { enabled: false },
  app: {
    head: {
      title: 'Agent Chat',
      htmlAttrs: { lang: 'en' },
      meta: [
        { name: 'viewport', content: 'width=device-width, initial-scale=1, viewport-fit=cover' },
        { name: 'description', content: 'Real-time chat with AI agents and live background tasks' },
      ],
      link: [{ rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }],
    },
  },
  css: ['~/assets/css/main.css'],
  colorMode: {
    classSuffix: '',
    preference: 'system',
    fallback: 'light',
    storageKey: 'agent-chat-theme',
  },
  compatibilityDate: '2025-07-15',
  nitro: {
    experimental: { websocket: true },
    serverAssets: [{ baseName: 'migrations', dir: './database/migrations' }],
    // PGlite and QuickJS load their WebAssembly from their own package folders at run time.
    externals: { external: ['@electric-sql/pglite', 'quickjs-emscripten'] },
  },
  typescript: { strict: true },
  eslint: { config: { stylistic: true } },
})
