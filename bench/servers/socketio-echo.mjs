// Baseline: a bare Socket.IO 4 server (WebSocket transport), answering each `app:ping` with `app:pong`.
import { createServer } from 'node:http'
import { Server } from 'socket.io'

const server = createServer((_req, res) => res.end('ok'))
const io = new Server(server, { transports: ['websocket'], serveClient: false })
io.on('connection', (socket) => {
  socket.on('app:ping', () => socket.emit('app:pong', {}))
})
process.on('SIGTERM', () => process.exit(0))
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`Listening on http://127.0.0.1:${process.env.PORT}`))
