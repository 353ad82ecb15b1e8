// Live replies of this process. A reply keeps generating when its sockets close (resume rule): its
// text so far and seq live here, every delta goes out with seq + 1, and the row is saved now and then
// so that a crash loses little and the next start can mark it interrupted.
import { serverFrame, type MessageError, type Usage } from '#shared/protocol'
import type { MessageRow, TopicRow } from '../../database/schema'
import type { AgentRuntime, ToolOutcome, Turn } from '../agents/types'
import { AgentFailure } from '../agents/types'
import { publishToUser } from '../bus'
import { cutNote, headOf } from '../caps'
import { useConfig } from '../config'
import { toAppError } from '../errors'
import { toMessage } from '../storage/mappers'
import { finishMessage, saveProgress } from '../storage/messages'
import { cancelTask, startTask, type TaskHandle } from '../tasks/queue'

const SAVE_EVERY_MS = 1_000
/** Deltas go out at most this often per reply (a fast model would otherwise mean a frame per token)… */
export const COALESCE_MS = 30
/** …or as soon as this much text waits. The first piece, and any after a pause, go out at once. No delta is longer. */
export const COALESCE_CHARS = 2_048
/** The abort reason of a reply that reached REPLY_MAX_CHARS: it ends complete, not stopped. */
const FULL = 'full'

const runs = new Map<string, ReplyRun>()

export class ReplyRun {
  content = ''
  seq = 0
  usage: Usage | undefined
  status: 'streaming' | 'complete' | 'stopped' | 'failed' = 'streaming'
  readonly controller = new AbortController()
  readonly finished: Promise<void>
  private lastSaved = Date.now()
  private lastSent = 0
  private pending = ''
  private flushTimer: ReturnType<typeof setTimeout> | undefined
  private saving: Promise<void> = Promise.resolve()
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
      publishToUser(this.ownerId, serverFrame('message.delta', { topicId: this.topic.id, messageId: this.message.id, seq: this.seq, text }))
    }
    this.lastSent = Date.now()
    if (this.lastSent - this.lastSaved >= SAVE_EVERY_MS) {
      this.lastSaved = this.lastSent
      this.saving = this.saving.then(() => saveProgress(this.message.id, this.content, this.seq)).catch(error => console.warn('[reply] save failed', error))
    }
  }

  async finish(status: 'complete' | 'stopped' | 'failed', error?: MessageError) {
    this.flush()
    this.status = status
    // No longer live: a send that follows the final frame must not find this reply still running.
    runs.delete(this.message.id)
    try {
      await this.saving
      const row = await finishMessage(this.message.id, { content: this.content, seq: this.seq, status, error, usage: this.usage })
      // A row that is gone was deleted (message or topic) while streaming: nothing to announce.
      if (!row) return
      const message = toMessage(row)
      if (status === 'failed') publishToUser(this.ownerId, serverFrame('message.failed', { message: { ...message, error: error! } }))
      else publishToUser(this.ownerId, serverFrame('message.completed', { message: { ...message, ...(status === 'stopped' ? { stopped: true } : {}) } }))
    }
    finally {
      this.markDone()
    }
  }
}

export function liveRun(messageId: string): ReplyRun | undefined {
  return runs.get(messageId)
}

export function liveRunsOfTopic(topicId: string): ReplyRun[] {
  return [...runs.values()].filter(run => run.topic.id === topicId)
}

/** Aborts the reply and waits until its final state is stored and announced. */
export async function stopRun(run: ReplyRun) {
  run.controller.abort('stop')
  await run.finished
}

function failureOf(error: unknown): MessageError {
  if (error instanceof AgentFailure) return { code: error.code, message: error.message }
  console.error('[reply] agent crashed', error)
  return { code: 'agent_error', message: 'The agent failed while writing this reply.' }
}

function endOf(signal: AbortSignal): 'complete' | 'stopped' {
  return signal.aborted && signal.reason !== FULL ? 'stopped' : 'complete'
}

/** Streams the agent's reply into `message` in the background; resolves when it has ended. */
export function runReply(agent: AgentRuntime, topic: TopicRow, message: MessageRow, history: Turn[]): ReplyRun {
  const run = new ReplyRun(message, topic)
  runs.set(message.id, run)
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
      await run.finish(endOf(signal))
    }
    catch (error) {
      if (signal.aborted) await run.finish(endOf(signal))
      else await run.finish('failed', failureOf(error))
    }
  })()
    .catch(error => console.error('[reply] could not store the end of a reply', error))
  return run
}

/** Replies being written for this user in this process (REPLIES_PER_USER counts them). */
export function liveRunCount(ownerId: string): number {
  let count = 0
  for (const run of runs.values()) if (run.ownerId === ownerId) count++
  return count
}
