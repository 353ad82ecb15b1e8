// Socket transport options: the ws server refuses a frame over LIMITS.frameBytes from its header,
// before buffering it, and closes with 1009 (crossws passes serverOptions to ws). Compression stays
// off, so a small frame cannot inflate into a big one.
import { LIMITS } from '#shared/protocol'

import type { NodeOptions } from 'crossws/adapters/node'

export default defineNitroPlugin((nitroApp) => {
  // h3 types the app's socket options for every adapter; serverOptions is the node adapter's own.
  const options: NodeOptions = {
    ...nitroApp.h3App.options.websocket,
    serverOptions: { maxPayload: LIMITS.frameBytes, perMessageDeflate: false },
  }
  nitroApp.h3App.options.websocket = options
})
