// https://nuxt.com/docs/api/configuration/nuxt-config
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

// nuxt-auth-utils writes a generated NUXT_SESSION_PASSWORD into .env under `nuxt dev` when none is
// set. The real one is set at start-up from SESSION_SECRET (server/plugins/01.startup.ts), so this
// placeholder only keeps the module from writing files into the checkout.
process.env.NUXT_SESSION_PASSWORD ||= 'set-at-start-up-by-server-plugins'

const isDev = process.env.NODE_ENV === 'development'
// The /calc worker thread imports mathjs by URL at run time (server/utils/tasks/calc/); the server
// bundle never imports it, so the build is told to copy this entry and what it needs.
const mathjsEntry = join(dirname(createRequire(import.meta.url).resolve('mathjs/package.json')), 'lib/esm/index.js')

/**
 * The server chunk of a module of ours: the few loaded on demand get their own, the rest of
 * server/utils and shared/ go with Nitro's (where they would end up anyway; naming it keeps Rollup
 * from pulling them into an on-demand chunk as its dependencies).
 */
function serverChunk(id: string): string | undefined {
  if (/[\\/]server[\\/]utils[\\/]agents[\\/]provider(-errors)?\.ts$/.test(id)) return 'model-providers'
  if (/[\\/]server[\\/]utils[\\/]tasks[\\/]bull-queue\.ts$/.test(id)) return 'bull-queue'
  if (id.startsWith(join(import.meta.dirname, 'server', 'utils')) || id.startsWith(join(import.meta.dirname, 'shared'))) return 'nitro'
}

export default defineNuxtConfig({
  modules: ['@pinia/nuxt', '@nuxtjs/tailwindcss', '@nuxtjs/color-mode', '@nuxt/eslint', 'nuxt-auth-utils', 'nuxt-security', '@nuxtjs/i18n'],
  devtools: { enabled: false },
  app: {
    head: {
      title: 'Agent Chat',
      htmlAttrs: { lang: 'en' },
      meta: [
        { name: 'viewport', content: 'width=device-width, initial-scale=1, viewport-fit=cover' },
        { name: 'description', content: 'Real-time chat with AI agents and live background tasks' },
        // The browser's bar and the installed app's title bar: the page's own background per theme.
        { name: 'theme-color', content: '#ffffff', media: '(prefers-color-scheme: light)' },
        { name: 'theme-color', content: '#09090b', media: '(prefers-color-scheme: dark)' },
      ],
      // Installable (public/manifest.webmanifest; icons from favicon.svg by scripts/icons.mjs). No
      // service worker: the app needs its server, and no offline chat is promised.
      link: [
        { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' },
        { rel: 'manifest', href: '/manifest.webmanifest' },
        { rel: 'apple-touch-icon', href: '/icons/apple-touch-icon.png' },
      ],
    },
  },
  css: ['~/assets/css/main.css'],
  colorMode: {
    classSuffix: '',
    preference: 'system',
    fallback: 'light',
    storageKey: 'agent-chat-theme',
  },
  runtimeConfig: {
    // The sealing password is set at start-up from SESSION_SECRET or DATA_DIR/session-secret
    // (server/plugins/01.startup.ts), never at build time.
    session: { name: 'agent_chat_session', password: '', maxAge: 60 * 60 * 24 * 365, cookie: { sameSite: 'lax', httpOnly: true } },
  },
  // An import is the one big body: its handler enforces IMPORT_MAX_BYTES (runtime config) itself.
  routeRules: { '/api/import': { security: { requestSizeLimiter: false } } },
  compatibilityDate: '2025-07-15',
  nitro: {
    experimental: { websocket: true },
    // The build writes .gz and .br beside each asset and the Node server sends the one the browser
    // accepts (one compression at build time instead of none, or one per request).
    compressPublicAssets: { gzip: true, brotli: true },
    hooks: {
      // Nitro puts all server code into one chunk, so a dynamic import() of it is inlined and its
      // packages load at start-up. These modules are loaded on demand (the AI SDK with the first
      // model-backed reply, BullMQ and ioredis with REDIS_URL): their own chunks keep ~250 ms of
      // imports out of the cold start.
      'rollup:before'(_nitro, config) {
        const output = Array.isArray(config.output) ? config.output[0] : config.output
        const nitroChunks = output?.manualChunks
        if (!output || typeof nitroChunks !== 'function') return
        output.manualChunks = (id: string, meta: Parameters<typeof nitroChunks>[1]) => serverChunk(id) ?? nitroChunks(id, meta)
      },
      // `node .output/server/worker.mjs`: the same server as a task worker only (APP_ROLE=worker).
      compiled(nitro) {
        writeFileSync(join(nitro.options.output.serverDir, 'worker.mjs'), '// Runs the server as a task worker only (docs/deploy.md).\nprocess.env.APP_ROLE = \'worker\'\nawait import(\'./index.mjs\')\n')
      },
    },
    serverAssets: [{ baseName: 'migrations', dir: './database/migrations' }],
    // PGlite and QuickJS load their WebAssembly from their own package folders at run time.
    externals: { external: ['@electric-sql/pglite', 'quickjs-emscripten'], traceInclude: [mathjsEntry] },
  },
  vite: {
    // Fonts stay files (KaTeX's among them): a font inlined as a data: URI is refused by the page's
    // CSP (font-src 'self'), and Chromium fetches one as soon as it parses the @font-face rule.
    build: { assetsInlineLimit: (file: string) => (/\.(?:woff2?|ttf|otf)$/.test(file) ? false : undefined) },
  },
  typescript: { strict: true },
  hooks: {
    // nuxt-auth-utils adds, when sockets are on, a plugin that unseals (and issues) a session on
    // every request, assets and 404s included; the socket reads the session in its upgrade instead.
    'nitro:config'(config) {
      config.plugins = (config.plugins ?? []).filter(plugin => !/nuxt-auth-utils[\\/].*plugins[\\/]ws/.test(String(plugin)))
    },
  },
  // Sealed sessions (guests and accounts) come from nuxt-auth-utils; the app loads the session
  // itself (server/api/bootstrap), so the module's fetch plugins are off.
  auth: { loadStrategy: 'none' },
  eslint: { config: { stylistic: true } },
  // Every string of the UI comes from i18n/locales/<lang>/*.json (one file per area of the app).
  // English is complete; a language is added by listing its files here (README: Translations).
  i18n: {
    defaultLocale: 'en',
    strategy: 'no_prefix',
    detectBrowserLanguage: false,
    locales: [{ code: 'en', language: 'en-US', name: 'English', files: ['en/app.json', 'en/chat.json'] }],
    bundle: { optimizeTranslationDirective: false },
  },
  // The browser's defences: a strict Content-Security-Policy with a fresh nonce per response, and the
  // usual security headers (docs/security.md says why each directive is there). Every key of the
  // module's default policy is named here, because the module merges its defaults into ours.
  security: {
    nonce: true,
    headers: {
      contentSecurityPolicy: {
        'default-src': ['\'none\''],
        // Scripts run only with this response's nonce (Nuxt's entry and config, color-mode's theme
        // script) or when such a script loads them ('strict-dynamic'); 'self' is for pre-CSP3 browsers.
        'script-src': ['\'self\'', '\'nonce-{{nonce}}\'', '\'strict-dynamic\''],
        'script-src-attr': ['\'none\''],
        // Stylesheets from the app and <style> elements with the nonce (Nuxt's inlined component CSS;
        // in dev Vite's, which reads the nonce from the page).
        'style-src': ['\'self\'', '\'nonce-{{nonce}}\''],
        // Style attributes cannot run script, and the app needs them: Shiki colours code with CSS
        // variables in style="" (the sanitiser keeps only `--shiki-*:<colour>` and table
        // `text-align`), and Vue renders :style bindings (the task progress bar) as attributes in SSR.
        // url() in them is still held to img-src and font-src.
        'style-src-attr': ['\'unsafe-inline\''],
        // No remote images (model output is rendered as links instead); nothing here uses data: ones.
        'img-src': ['\'self\''],
        'font-src': ['\'self\''],
        // The socket (/ws) is same-origin: CSP3 browsers match ws:/wss: on the page's host with 'self'.
        'connect-src': ['\'self\''],
        'manifest-src': ['\'self\''],
        'object-src': ['\'none\''],
        'base-uri': ['\'none\''],
        'form-action': ['\'self\''],
        'frame-ancestors': ['\'none\''],
        // Off: over plain http (a LAN deployment, tests) it would send every same-origin request to
        // https. Behind HTTPS, HSTS does this job.
        'upgrade-insecure-requests': false,
      },
      // Everything a page loads is its own, so cross-origin isolation costs nothing and walls off
      // any cross-origin resource a bug might let in (dev keeps the module's unsafe-none).
      crossOriginEmbedderPolicy: isDev ? 'unsafe-none' : 'require-corp',
      crossOriginOpenerPolicy: 'same-origin',
      crossOriginResourcePolicy: 'same-origin',
      // Other sites get the origin only, never a /t/<id> path (links in messages are rel=noreferrer
      // anyway). Not no-referrer: with it Chromium sends `Origin: null` on a same-origin <form>
      // POST, which an Origin check on /api/auth/* would have to refuse.
      referrerPolicy: 'strict-origin-when-cross-origin',
      // Browsers ignore it over plain http (dev, tests); behind HTTPS it keeps them there.
      strictTransportSecurity: { maxAge: 31_536_000, includeSubdomains: true },
      xContentTypeOptions: 'nosniff',
      xFrameOptions: 'DENY',
      // Nothing here uses these features. Only names Chromium on Linux knows: it warns in the console
      // about unknown ones (web-share and bluetooth among them).
      permissionsPolicy: {
        'camera': [],
        'microphone': [],
        'geolocation': [],
        'display-capture': [],
        'fullscreen': [],
        'payment': [],
        'usb': [],
        'serial': [],
        'hid': [],
        'midi': [],
        'accelerometer': [],
        'gyroscope': [],
        'magnetometer': [],
        'publickey-credentials-get': [],
        'screen-wake-lock': [],
        'browsing-topics': [],
      },
    },
    // Bodies here are small JSON (messages travel over the socket); no uploads. The one exception is
    // a topics import (routeRules above), whose real limit is the server's IMPORT_MAX_BYTES.
    requestSizeLimiter: { maxRequestSizeInBytes: 64 * 1024, maxUploadFileRequestInBytes: 64 * 1024 },
    // Limits are rate-limiter-flexible's job (server/utils); the module's 150 requests per 5 minutes
    // per IP would also fail the test suites.
    rateLimiter: false,
    // Chat text legitimately contains `<script>`; output is made safe where it is rendered instead.
    xssValidator: false,
    // Same-origin only: no CORS headers at all is stricter than the module's handler.
    corsHandler: false,
    allowedMethodsRestricter: false,
    // Keep console output: it is the server's log, and the module would strip it from every bundle.
    removeLoggers: false,
  },
})
