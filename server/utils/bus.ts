// The event layer's transport: frames for a user reach every socket of that user, on every instance.
// In process by default; with REDIS_URL, Redis pub/sub (ioredis): a channel per user, subscribed on
// one connection per instance while it holds a socket of that user, and a control channel that
// carries stop, cancel and close requests to whichever instance owns the work.
import type { Redis } from 'ioredis'
import type { ServerFrame } from '#shared/protocol'
import { useConfig } from './config'
import { closeSockets, deliverLocal } from './connections'
import { useRedis } from './redis'

/** A request for the instance that owns some work (or for every instance). */
export type ControlMessage
  = | { op: 'stop-reply', messageId: string }
    | { op: 'cancel-task', taskId: string }
    | { op: 'abort-topic', topicId: string }
    | { op: 'close-sockets', userId: string, sessionIds: string[] | 'all', code: number, reason: string }

type ControlHandler = (message: ControlMessage) => void | Promise<void>

interface BusTransport {
  publish: (userId: string, data: string) => void
  control: (message: ControlMessage) => void
  follow: (userId: string) => Promise<void>
  unfollow: (userId: string) => void
  close: () => Promise<void>
}

const handlers: ControlHandler[] = [
  (message) => {
    if (message.op === 'close-sockets') closeSockets(message.userId, message.sessionIds, message.code, message.reason)
  },
]

/** Registers a handler of control messages (each instance runs every handler for every message). */
export function onControl(handler: ControlHandler) {
  handlers.push(handler)
}

function runControl(message: ControlMessage) {
  for (const handler of handlers) {
    Promise.resolve(handler(message)).catch(error => console.error(`[bus] ${message.op} failed`, error))
  }
}

const localTransport: BusTransport = {
  publish: deliverLocal,
  control: message => queueMicrotask(() => runControl(message)),
  follow: async () => {},
  unfollow: () => {},
  close: async () => {},
}

function redisTransport(publisher: Promise<Redis>, prefix: string): BusTransport {
  const userChannel = (userId: string) => `${prefix}user:${userId}`
  const controlChannel = `${prefix}control`
  const subscriber = publisher.then(async (redis) => {
    const sub = redis.duplicate()
    sub.on('error', () => {})
    sub.on('message', (channel: string, data: string) => {
      if (channel === controlChannel) return runControl(JSON.parse(data) as ControlMessage)
      if (channel.startsWith(`${prefix}user:`)) deliverLocal(channel.slice(prefix.length + 5), data)
    })
    await sub.subscribe(controlChannel)
    return sub
  })
  // Subscriptions are counted per user here; the connection keeps one per channel.
  const followed = new Set<string>()
  const publish = (channel: string, data: string) => void publisher.then(redis => redis.publish(channel, data)).catch(error => console.warn('[bus] publish failed', error.message))
  return {
    publish: (userId, data) => publish(userChannel(userId), data),
    control: message => publish(controlChannel, JSON.stringify(message)),
    async follow(userId) {
      if (followed.has(userId)) return
      followed.add(userId)
      await (await subscriber).subscribe(userChannel(userId))
    },
    unfollow(userId) {
      if (!followed.delete(userId)) return
      void subscriber.then(sub => sub.unsubscribe(userChannel(userId))).catch(() => {})
    },
    async close() {
      await subscriber.then(sub => sub.quit()).catch(() => {})
    },
  }
}

let transport: BusTransport | undefined

function bus(): BusTransport {
  const redis = useRedis()
  transport ??= redis ? redisTransport(redis, useConfig().REDIS_PREFIX) : localTransport
  return transport
}

/** Sends an already serialised frame to every socket of the user, on every instance. */
export function publishRaw(userId: string, data: string) {
  bus().publish(userId, data)
}

/** Asks every instance (this one included) to act on `message`. */
export function sendControl(message: ControlMessage) {
  bus().control(message)
}

/** This instance receives the user's events from now on (resolves once subscribed). */
export function followUser(userId: string): Promise<void> {
  return bus().follow(userId)
}

export function unfollowUser(userId: string) {
  bus().unfollow(userId)
}

/** Closes the user's sockets of those sessions (or all) on every instance: log-out, password change, deletion. */
export function closeSocketsEverywhere(userId: string, sessionIds: string[] | 'all', code: number, reason: string) {
  sendControl({ op: 'close-sockets', userId, sessionIds, code, reason })
}

export async function closeBus() {
  await transport?.close()
  transport = undefined
}

/** Serialises once and publishes: events.ts builds every frame, this only carries it. */
export function publishFrame(userId: string, frame: ServerFrame) {
  publishRaw(userId, JSON.stringify(frame))
}
