// https://nuxt.com/docs/api/configuration/nuxt-config
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

// nuxt-auth-utils writes a generated NUXT_SESSION_PASSWORD into .env under `nuxt dev` when none is
// set. The real one is set at start-up from SESSION_SECRET (server/plugins/01.startup.ts), so this
// placeholder only keeps the module from writing files into the checkout.
process.env.NUXT_SESSION_PASSWORD ||= 'set-at-start-up-by-server-plugins'

// The /calc worker thread imports mathjs by URL at run time (server/utils/tasks/calc/); the server
// bundle never imports it, so the build is told to copy this entry and what it needs.
const mathjsEntry = join(dirname(createRequire(import.meta.url).resolve('mathjs/package.json')), 'lib/esm/index.js')

export default defineNuxtConfig({
  modules: ['@pinia/nuxt', '@nuxtjs/tailwindcss', '@nuxtjs/color-mode', '@nuxt/eslint', 'nuxt-auth-utils'],
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
  // Sealed sessions (guests and accounts) come from nuxt-auth-utils; the app loads the session
  // itself (server/api/bootstrap), so the module's fetch plugins are off.
  auth: { loadStrategy: 'none' },
  runtimeConfig: {
    // The sealing password is set at start-up from SESSION_SECRET or DATA_DIR/session-secret
    // (server/plugins/01.startup.ts), never at build time.
    session: { name: 'agent_chat_session', password: '', maxAge: 60 * 60 * 24 * 365, cookie: { sameSite: 'lax', httpOnly: true } },
  },
  hooks: {
    // nuxt-auth-utils adds, when sockets are on, a plugin that unseals (and issues) a session on
    // every request, assets and 404s included; the socket reads the session in its upgrade instead.
    'nitro:config'(config) {
      config.plugins = (config.plugins ?? []).filter(plugin => !/nuxt-auth-utils[\\/].*plugins[\\/]ws/.test(plugin))
    },
  },
  compatibilityDate: '2025-07-15',
  nitro: {
    experimental: { websocket: true },
    serverAssets: [{ baseName: 'migrations', dir: './database/migrations' }],
    // PGlite and QuickJS load their WebAssembly from their own package folders at run time.
    externals: { external: ['@electric-sql/pglite', 'quickjs-emscripten'], traceInclude: [mathjsEntry] },
  },
  typescript: { strict: true },
  eslint: { config: { stylistic: true } },
})
