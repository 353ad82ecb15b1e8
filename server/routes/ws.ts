// The socket at /ws. Thin: its hooks live in server/utils/socket-hooks.ts (and, for speed, are also
// the adapter's own hooks: server/plugins/03.websocket.ts).
import { socketHooks } from '../utils/socket-hooks'

export default defineWebSocketHandler(socketHooks)
