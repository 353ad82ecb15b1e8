// Baseline: a bare crossws server on node:http (the adapter Nitro uses), answering each JSON frame
// `{"type":"ping"}` with a JSON pong: what a socket server does at the least. PORT from the env.
import { createServer } from 'node:http'
import crossws from 'crossws/adapters/node'

const ws = crossws({
  hooks: {
    message(peer, message) {
      const frame = JSON.parse(message.text())
      if (frame.type === 'ping') peer.send(JSON.stringify({ type: 'pong', payload: {} }))
    },
  },
})
const server = createServer((_req, res) => res.end('ok'))
server.on('upgrade', ws.handleUpgrade)
process.on('SIGTERM', () => process.exit(0))
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`Listening on http://127.0.0.1:${process.env.PORT}`))
