// What every instance knows of the replies being written (DESIGN.md "Several instances"). With
// REDIS_URL: each live reply has an owner record, a heartbeat (a sorted set of last-seen times) and
// its deltas in a Redis Stream keyed by seq, so a socket on any instance can catch up exactly; an
// instance that stops beating for STALE_MS is dead, and any instance claims its replies (ZREM: one
// wins) and fails them as interrupted with their text so far. Without Redis there is one instance,
// and all of this is its own memory.
import type { Redis } from 'ioredis'
import type { MessageRow } from '../../database/schema'
import { useConfig } from '../config'
import { announce } from '../events'
import { useRedis } from '../redis'
import { versionsOf } from '../storage/branches'
import { failOrphanedMessage, findMessage, silentStreamingMessages } from '../storage/messages'
import { findTopicById } from '../storage/topics'

const HEARTBEAT_MS = 1_000
export const STALE_MS = 5_000
const REAP_MS = 2_000
/** A finished reply's deltas stay this long for sockets that were catching up. */
const STREAM_TTL_SECONDS = 60
/** Far more deltas than a reply at REPLY_MAX_CHARS needs; only a bound on a runaway. */
const STREAM_MAX = 100_000

export interface LiveReply {
  messageId: string
  topicId: string
  ownerId: string
  content: string
  seq: number
}

interface Keys {
  alive: string
  owner: (id: string) => string
  deltas: (id: string) => string
}

function keys(prefix: string): Keys {
  return {
    alive: `${prefix}replies:alive`,
    owner: id => `${prefix}reply:${id}`,
    deltas: id => `${prefix}reply:${id}:deltas`,
  }
}

/** The local replies (the registry of replies.ts), as the heartbeat needs them. */
let localReplies: () => Iterable<LiveReply> = () => []

export function setLocalReplies(list: () => Iterable<LiveReply>) {
  localReplies = list
}

function withRedis(work: (redis: Redis, k: Keys) => unknown) {
  const redis = useRedis()
  if (!redis) return
  void redis.then(client => work(client, keys(useConfig().REDIS_PREFIX))).catch(error => console.warn('[live] redis:', error.message))
}

export function instanceId(): string {
  return useConfig().INSTANCE_ID ?? `${process.env.HOSTNAME ?? 'local'}:${process.pid}`
}

/** A reply starts here: others learn who writes it, and it beats from now on. */
export function registerReply(reply: LiveReply) {
  withRedis((redis, k) => redis.multi()
    .hset(k.owner(reply.messageId), { instance: instanceId(), ownerId: reply.ownerId, topicId: reply.topicId })
    .zadd(k.alive, Date.now(), reply.messageId)
    .exec())
}

/** Before the delta is published: a socket that catches up from the stream then misses nothing. */
export function appendDelta(messageId: string, seq: number, text: string) {
  withRedis((redis, k) => redis.xadd(k.deltas(messageId), 'MAXLEN', '~', STREAM_MAX, `${seq}-0`, 't', text))
}

export function unregisterReply(messageId: string) {
  withRedis((redis, k) => redis.multi().zrem(k.alive, messageId).del(k.owner(messageId)).expire(k.deltas(messageId), STREAM_TTL_SECONDS).exec())
}

/** Text and seq of a reply being written elsewhere: the stored checkpoint plus the stream after it. */
export async function catchUp(row: MessageRow): Promise<{ content: string, seq: number }> {
  const redis = useRedis()
  if (!redis) return { content: row.content, seq: row.seq }
  const entries = await (await redis).xrange(keys(useConfig().REDIS_PREFIX).deltas(row.id), `${row.seq + 1}-0`, '+')
  let { content, seq } = row
  for (const [id, fields] of entries) {
    const next = Number(id.split('-')[0])
    // A trimmed stream would leave a hole: stop at it rather than skip text (the client resyncs).
    if (next !== seq + 1) break
    content += fields[1] ?? ''
    seq = next
  }
  return { content, seq }
}

/** Whether some live instance still beats for this reply. */
export async function isAliveElsewhere(messageId: string): Promise<boolean> {
  const redis = useRedis()
  if (!redis) return false
  const score = await (await redis).zscore(keys(useConfig().REDIS_PREFIX).alive, messageId)
  return score !== null && Date.now() - Number(score) < STALE_MS
}

/**
 * Fails a reply whose writer is gone, with its text so far; announced once, by the instance whose
 * update changed the row.
 */
export async function failOrphan(messageId: string): Promise<void> {
  const row = await findMessage(messageId)
  if (row?.status === 'streaming') {
    const { content, seq } = await catchUp(row)
    const failed = await failOrphanedMessage(row.id, content, seq)
    const topic = failed && await findTopicById(failed.topicId)
    if (failed && topic && !failed.deletedAt) announce.messageEnded(topic.ownerId, failed, (await versionsOf(failed.topicId, [failed])).get(failed.id))
  }
  unregisterReply(messageId)
}

async function beat(redis: Redis, k: Keys) {
  const now = Date.now()
  const members = [...localReplies()].flatMap(reply => [now, reply.messageId])
  if (members.length) await redis.zadd(k.alive, ...members)
}

/** Claims replies whose heartbeat stopped: ZREM returns 1 to exactly one claimer. */
async function reap(redis: Redis, k: Keys) {
  const stale = await redis.zrangebyscore(k.alive, '-inf', Date.now() - STALE_MS, 'LIMIT', 0, 50)
  for (const messageId of stale) {
    if (await redis.zrem(k.alive, messageId) === 1) await failOrphan(messageId)
  }
}

/** Rows left streaming with no heartbeat at all (their writer died before registering, or Redis lost it). */
async function reapSilent(redis: Redis, k: Keys) {
  const local = new Set([...localReplies()].map(reply => reply.messageId))
  for (const row of await silentStreamingMessages(new Date(Date.now() - 30_000))) {
    if (local.has(row.id) || await redis.zscore(k.alive, row.id) !== null) continue
    await failOrphan(row.id)
  }
}

/** Starts the heartbeat and the reaper (with Redis only). Returns a stop function. */
export function startLiveRegistry(): () => void {
  const redis = useRedis()
  if (!redis) return () => {}
  const k = keys(useConfig().REDIS_PREFIX)
  const run = (work: (client: Redis, keys: Keys) => Promise<void>) => () => void redis.then(client => work(client, k)).catch(error => console.warn('[live]', error.message))
  const timers = [
    setInterval(run(beat), HEARTBEAT_MS),
    setInterval(run(reap), REAP_MS),
    setInterval(run(reapSilent), 15_000),
  ]
  for (const timer of timers) timer.unref()
  return () => timers.forEach(clearInterval)
}
