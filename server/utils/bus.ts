// Events about a user's data, to every socket of that user. In process by default; the seam where
// a Redis pub/sub transport plugs in for several instances.
import type { ServerFrame } from '#shared/protocol'
import { deliverLocal } from './connections'

export interface BusTransport {
  publish: (userId: string, data: string) => void
}

const localTransport: BusTransport = { publish: deliverLocal }
let transport: BusTransport = localTransport

export function setBusTransport(next: BusTransport | null) {
  transport = next ?? localTransport
}

export function publishToUser(userId: string, frame: ServerFrame) {
  transport.publish(userId, JSON.stringify(frame))
}
