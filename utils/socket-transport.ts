// The socket's transport, @vueuse/core's useWebSocket and only it: the socket plugin imports this
// when the socket starts, so neither it nor the rest of @vueuse/core is part of the first paint.
export { useWebSocket } from '@vueuse/core'
