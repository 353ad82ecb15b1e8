// topic.history pages: the newest page, older pages (`before`), newer pages (`after`) and a page
// around one message (`around`, a search result). Every page is the active branch, with each
// message's versions and, for a streaming reply, its text so far.
import { LIMITS, type ClientPayload, type Message, type ServerPayload } from '#shared/protocol'
import type { MessageRow, TopicRow } from '../../database/schema'
import { versionsOf } from '../storage/branches'
import { toMessage, toTask } from '../storage/mappers'
import { pageAfter, pageAround, pageMessages, type Page } from '../storage/messages'
import { topicTasks } from '../storage/tasks'
import { requireTopic } from '../storage/topics'
import { catchUp } from './live'
import { liveRun } from './replies'

type History = ServerPayload<'topic.history'>

/** A page of history is cut to this many bytes of message text (the rest waits for the next page). */
const PAGE_BYTES = 1024 * 1024

/** How many rows of `rows` fit in `budget` bytes (at least one), counted from the newest or the oldest. */
function fitting(rows: MessageRow[], budget: number, from: 'newest' | 'oldest'): number {
  const ordered = from === 'newest' ? [...rows].reverse() : rows
  let bytes = 0
  let kept = 0
  for (const row of ordered) {
    bytes += Buffer.byteLength(row.content)
    if (bytes > budget && kept > 0) break
    kept++
  }
  return kept
}

/** The page cut to PAGE_BYTES: older pages keep their newest rows, newer pages their oldest. */
function fitPage(page: Page, kind: 'older' | 'newer'): Page {
  const kept = fitting(page.rows, PAGE_BYTES, kind === 'older' ? 'newest' : 'oldest')
  if (kept === page.rows.length) return page
  return kind === 'older'
    ? { ...page, rows: page.rows.slice(page.rows.length - kept), hasMore: true }
    : { ...page, rows: page.rows.slice(0, kept), hasNewer: true }
}

/** Half the budget on each side of the target. */
function fitAround(page: Page, targetId: string): Page {
  const at = page.rows.findIndex(row => row.id === targetId)
  const older = page.rows.slice(0, at)
  const newer = page.rows.slice(at + 1)
  const keepOlder = older.length ? fitting(older, PAGE_BYTES / 2, 'newest') : 0
  const keepNewer = newer.length ? fitting(newer, PAGE_BYTES / 2, 'oldest') : 0
  return {
    rows: [...older.slice(older.length - keepOlder), page.rows[at]!, ...newer.slice(0, keepNewer)],
    hasMore: page.hasMore || keepOlder < older.length,
    hasNewer: page.hasNewer || keepNewer < newer.length,
  }
}

/** A streaming message as it stands right now: its text so far and seq, wherever it is written. */
async function withLiveState(row: MessageRow, versions?: string[]): Promise<Message> {
  const message = toMessage(row, versions)
  if (row.status !== 'streaming') return message
  const run = liveRun(row.id)
  const live = run ? { content: run.content, seq: run.seq } : await catchUp(row)
  return { ...message, ...live }
}

interface Shape {
  /** The first page of a view carries the topic's tasks. */
  tasks: boolean
  /** Pages that can have newer messages after them say so. */
  newer: boolean
  reset: boolean
}

async function toHistory(topic: TopicRow, page: Page, shape: Shape): Promise<History> {
  const [versions, taskRows] = await Promise.all([
    versionsOf(topic.id, page.rows),
    shape.tasks ? topicTasks(topic.id) : Promise.resolve([]),
  ])
  // Read live state last, after every other await: deltas sent before this point have a seq at or below it.
  const messages = await Promise.all(page.rows.map(row => withLiveState(row, versions.get(row.id))))
  return {
    topicId: topic.id,
    messages,
    tasks: taskRows.map(toTask),
    hasMore: page.hasMore,
    ...(shape.newer ? { hasNewer: page.hasNewer } : {}),
    ...(shape.reset ? { reset: true } : {}),
  }
}

export async function openTopic(ownerId: string, payload: ClientPayload<'topic.open'>): Promise<History> {
  const topic = await requireTopic(ownerId, payload.topicId)
  const limit = payload.limit ?? LIMITS.historyPage
  if (payload.around) {
    const page = fitAround(await pageAround(topic.id, LIMITS.historyAround, payload.around), payload.around)
    return toHistory(topic, page, { tasks: true, newer: true, reset: true })
  }
  if (payload.after) return toHistory(topic, fitPage(await pageAfter(topic.id, limit, payload.after), 'newer'), { tasks: false, newer: true, reset: false })
  const page = fitPage(await pageMessages(topic.id, limit, payload.before), 'older')
  return toHistory(topic, page, { tasks: !payload.before, newer: false, reset: false })
}

/**
 * What every socket of the owner gets after a branch switch or a restore: the newest page, or the
 * page around `focus` when that message is older than the newest page.
 */
export async function resetHistory(topic: TopicRow, focus?: string): Promise<History> {
  const latest = fitPage(await pageMessages(topic.id, LIMITS.historyPage), 'older')
  if (focus && !latest.rows.some(row => row.id === focus)) {
    const around = await pageAround(topic.id, LIMITS.historyAround, focus).catch(() => undefined)
    if (around) return toHistory(topic, fitAround(around, focus), { tasks: true, newer: true, reset: true })
  }
  return toHistory(topic, latest, { tasks: true, newer: true, reset: true })
}
