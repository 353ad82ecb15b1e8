// Live replies of this process. A reply keeps generating when its sockets close (resume rule): its
// text so far and seq live here, every delta goes out with seq + 1 (into the reply's stream first,
// live.ts, then to the sockets), and the row is saved now and then so that a crash loses little. A
// reply written by another instance is stopped through the control channel.
import type { MessageError, Usage } from '#shared/protocol'
import type { MessageRow, TopicRow } from '../../database/schema'
import type { AgentRuntime, ToolOutcome, Turn } from '../agents/types'
import { AgentFailure } from '../agents/types'
import { onControl, sendControl } from '../bus'
import { cutNote, headOf } from '../caps'
import { useConfig } from '../config'
import { toAppError } from '../errors'
import { announce } from '../events'
import { onShutdown, waitUntil } from '../lifecycle'
import { useRedis } from '../redis'
import { findMessage, finishMessage, INTERRUPTED_REPLY } from '../storage/messages'
import { forgetProgress, markProgress } from './checkpoints'
import { cancelTask, startTask } from '../tasks/queue'
import type { TaskHandle } from '../tasks/queue-types'
import { appendDelta, failOrphan, isAliveElsewhere, registerReply, setLocalReplies, unregisterReply } from './live'

/** Deltas go out at most this often per reply (a fast model would otherwise mean a frame per token)… */
export const COALESCE_MS = 30
/** …or as soon as this much text waits. The first piece, and any after a pause, go out at once. No delta is longer. */
export const COALESCE_CHARS = 2_048
/** The abort reason of a reply that reached REPLY_MAX_CHARS: it ends complete, not stopped. */
const FULL = 'full'
/** The abort reason at a shutdown past its drain time: the reply ends failed, interrupted. */
const SHUTDOWN = 'shutdown'
/** How long a stop waits for another instance to end its reply before taking it for dead. */
const REMOTE_STOP_WAIT_MS = 6_000

const runs = new Map<string, ReplyRun>()
setLocalReplies(() => [...runs.values()].map(run => ({ messageId: run.message.id, topicId: run.topic.id, ownerId: run.ownerId, content: run.content, seq: run.seq })))

// A stop asked for on another instance reaches the one that writes the reply.
onControl((message) => {
  if (message.op !== 'stop-reply') return
  const run = runs.get(message.messageId)
  if (run) return stopRun(run)
})
// A graceful stop: replies may finish within the drain time; what is left ends as interrupted.
onShutdown('drain', 'replies', deadline => waitUntil(() => runs.size === 0, deadline))
onShutdown('interrupt', 'replies', () => Promise.all([...runs.values()].map(run => stopRun(run, SHUTDOWN))).then(() => {}))

export class ReplyRun {
  content = ''
  seq = 0
  usage: Usage | undefined
  status: 'streaming' | 'complete' | 'stopped' | 'failed' = 'streaming'
  /** The versions at the reply's position (a regenerated reply has several), for its final frame. */
  versions: string[] | undefined
  readonly controller = new AbortController()
  readonly finished: Promise<void>
  private lastSent = 0
  private pending = ''
  private flushTimer: ReturnType<typeof setTimeout> | undefined
  private markDone!: () => void
  private full = false

  constructor(readonly message: MessageRow, readonly topic: TopicRow, private readonly maxChars = useConfig().REPLY_MAX_CHARS) {
    this.finished = new Promise(resolve => (this.markDone = resolve))
  }

  get ownerId() {
    return this.topic.ownerId
  }

  /**
   * Queues text for the reply; it goes out now if nothing went out in the last COALESCE_MS. False
   * once the reply reached maxChars: what fits was kept, with a note saying the reply was cut.
   */
  push(text: string): boolean {
    if (this.full) return false
    const room = this.maxChars - this.content.length - this.pending.length
    if (text.length > room) {
      this.full = true
      this.pending += `${headOf(text, room)}\n\n${cutNote('reply', this.maxChars)}`
      this.flush()
      return false
    }
    if (!text) return true
    this.pending += text
    if (this.pending.length >= COALESCE_CHARS || Date.now() - this.lastSent >= COALESCE_MS) this.flush()
    else this.flushTimer ??= setTimeout(() => this.flush(), COALESCE_MS - (Date.now() - this.lastSent))
    return true
  }

  /** Sends what is queued, in deltas of at most COALESCE_CHARS; content and seq only ever move together. */
  flush() {
    clearTimeout(this.flushTimer)
    this.flushTimer = undefined
    if (!this.pending) return
    while (this.pending) {
      const text = headOf(this.pending, COALESCE_CHARS)
      this.pending = this.pending.slice(text.length)
      this.content += text
      this.seq += 1
      appendDelta(this.message.id, this.seq, text)
      announce.messageDelta(this.ownerId, { topicId: this.topic.id, messageId: this.message.id, seq: this.seq, text })
    }
    this.lastSent = Date.now()
    markProgress(this.message.id, this.content, this.seq)
  }

  async finish(status: 'complete' | 'stopped' | 'failed', error?: MessageError) {
    this.flush()
    this.status = status
    // No longer live: a send that follows the final frame must not find this reply still running.
    runs.delete(this.message.id)
    forgetProgress(this.message.id)
    try {
      const row = await finishMessage(this.message.id, { content: this.content, seq: this.seq, status, error, usage: this.usage })
      // A row that is gone or deleted was deleted (message or topic) while streaming: nothing to announce.
      if (row && !row.deletedAt) announce.messageEnded(this.ownerId, row, this.versions)
    }
    finally {
      unregisterReply(this.message.id)
      this.markDone()
    }
  }
}

export function liveRun(messageId: string): ReplyRun | undefined {
  return runs.get(messageId)
}

/** Aborts the reply and waits until its final state is stored and announced. */
async function stopRun(run: ReplyRun, reason = 'stop') {
  run.controller.abort(reason)
  await run.finished
}

/**
 * Stops a reply wherever it is written and waits until it has ended: here directly, on another
 * instance through the control channel. A reply that nobody writes any more (its instance died)
 * fails as interrupted with its text so far.
 */
export async function stopReply(messageId: string): Promise<void> {
  const run = runs.get(messageId)
  if (run) return stopRun(run)
  if (useRedis() && await isAliveElsewhere(messageId)) {
    sendControl({ op: 'stop-reply', messageId })
    const deadline = Date.now() + REMOTE_STOP_WAIT_MS
    while (Date.now() < deadline) {
      const row = await findMessage(messageId)
      if (row?.status !== 'streaming') return
      await new Promise(resolve => setTimeout(resolve, 100))
    }
  }
  await failOrphan(messageId)
}

function failureOf(error: unknown): MessageError {
  if (error instanceof AgentFailure) return { code: error.code, message: error.message }
  console.error('[reply] agent crashed', error)
  return { code: 'agent_error', message: 'The agent failed while writing this reply.' }
}

/** How a reply whose agent returned or threw after an abort ends: a full one is complete, one cut by a shutdown is interrupted. */
function finishAborted(run: ReplyRun, signal: AbortSignal): Promise<void> {
  if (signal.aborted && signal.reason === SHUTDOWN) return run.finish('failed', INTERRUPTED_REPLY)
  return run.finish(signal.aborted && signal.reason !== FULL ? 'stopped' : 'complete')
}

/** Streams the agent's reply into `message` in the background; resolves when it has ended. */
export function runReply(agent: AgentRuntime, topic: TopicRow, message: MessageRow, history: Turn[], versions?: string[]): ReplyRun {
  const run = new ReplyRun(message, topic)
  run.versions = versions
  runs.set(message.id, run)
  registerReply({ messageId: message.id, topicId: topic.id, ownerId: topic.ownerId, content: '', seq: 0 })
  const { signal } = run.controller
  const runTool = async (kind: string, input: unknown): Promise<ToolOutcome> => {
    if (!agent.tools.includes(kind)) return { status: 'failed', error: { code: 'tool_unavailable', message: `This agent cannot use ${kind}` } }
    let task: TaskHandle
    try {
      task = await startTask({ ownerId: topic.ownerId, topicId: topic.id, messageId: message.id, kind, input })
    }
    catch (error) {
      const failure = toAppError(error)
      return { status: 'failed', error: { code: failure.code, message: failure.message } }
    }
    const cancel = () => void cancelTask(topic.ownerId, task.row.id).catch(() => {})
    signal.addEventListener('abort', cancel, { once: true })
    const outcome = await task.done
    signal.removeEventListener('abort', cancel)
    const status = outcome.task.status === 'completed' ? 'completed' : outcome.task.status === 'cancelled' ? 'cancelled' : 'failed'
    return { status, result: outcome.result, error: outcome.error }
  }
  void (async () => {
    try {
      const reportUsage = (usage: Usage) => (run.usage = usage)
      for await (const piece of agent.reply({ history, signal, runTool, reportUsage })) {
        if (signal.aborted) break
        // A full reply stops its agent (and the provider's stream) and ends as complete.
        if (!run.push(piece)) {
          run.controller.abort(FULL)
          break
        }
      }
      await finishAborted(run, signal)
    }
    catch (error) {
      if (signal.aborted) await finishAborted(run, signal)
      else await run.finish('failed', failureOf(error))
    }
  })()
    .catch(error => console.error('[reply] could not store the end of a reply', error))
  return run
}
