// Socket transport options. The ws server refuses a frame over LIMITS.frameBytes from its header,
// before buffering it, and closes with 1009 (crossws passes serverOptions to ws); compression stays
// off, so a small frame cannot inflate into a big one.
//
// The app has one socket route, /ws. Nitro's default asks its router, for every frame, which route's
// hooks apply (a lookup and two promises per frame); here the adapter gets /ws's hooks directly,
// and an upgrade on any other path is refused.
import type { NodeOptions } from 'crossws/adapters/node'
import { LIMITS } from '#shared/protocol'
import { socketHooks } from '../utils/socket-hooks'

const SOCKET_PATH = '/ws'

export default defineNitroPlugin((nitroApp) => {
  const options: NodeOptions = {
    serverOptions: { maxPayload: LIMITS.frameBytes, perMessageDeflate: false },
    hooks: {
      ...socketHooks,
      upgrade(request) {
        if (new URL(request.url).pathname !== SOCKET_PATH) return new Response('Not found', { status: 404 })
        return socketHooks.upgrade?.(request)
      },
    },
  }
  // Read once by Nitro's server entry, right after the plugins ran.
  Object.defineProperty(nitroApp.h3App, 'websocket', { value: options, configurable: true })
})
