// Dev only: `nuxt dev` hands every socket upgrade to Nitro's dev server and drops the promise it
// returns. When a browser reloads or closes a tab mid-connection, that promise rejects (read
// ECONNRESET / write EPIPE from the proxied socket) and @nuxt/cli treats the unhandled rejection as
// fatal: the first one restarts Nuxt, the second ends `npm run dev`. Upstream: nitrojs/nitro#4493.
// This catches the rejection and closes the one socket instead. The production server has no proxy.
import { defineNuxtModule } from '@nuxt/kit'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'

type Upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => unknown

/** Wraps an upgrade handler so that a failure ends that socket, never the process. */
export function guardUpgrade(upgrade: Upgrade): Upgrade {
  return (req, socket, head) => {
    // An error on the client socket after the proxy let go of it must not go unhandled either.
    socket.on('error', () => socket.destroy())
    try {
      return Promise.resolve(upgrade(req, socket, head)).catch(() => socket.destroy())
    }
    catch {
      socket.destroy()
    }
  }
}

export default defineNuxtModule({
  meta: { name: 'dev-upgrade-guard' },
  setup(_options, nuxt) {
    if (!nuxt.options.dev) return
    nuxt.hook('ready', () => {
      const server = nuxt.server as { upgrade?: Upgrade, __guarded?: boolean } | undefined
      if (!server?.upgrade || server.__guarded) return
      server.upgrade = guardUpgrade(server.upgrade.bind(server))
      server.__guarded = true
    })
  },
})
