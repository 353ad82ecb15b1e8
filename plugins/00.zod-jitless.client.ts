// zod probes `new Function` when it builds an object schema, which the page's CSP (no 'unsafe-eval')
// reports as a violation. shared/protocol.ts turns that off with z.config({ jitless: true }), but it
// now loads with the socket, after the first paint, and a page chunk (the account forms of
// shared/auth.ts) can build schemas before it. zod keeps its config on globalThis.__zod_globalConfig
// and adopts an existing one, so setting it here, when the app's entry is evaluated (before any
// chunk that imports zod), makes every schema jitless. tests/unit/zod-jitless.test.ts checks zod
// still reads it.
const holder = globalThis as { __zod_globalConfig?: { jitless?: boolean } }
holder.__zod_globalConfig ??= {}
holder.__zod_globalConfig.jitless = true

export default defineNuxtPlugin({ name: 'zod-jitless', setup() {} })
