// Live replies of this process. A reply keeps generating when its sockets close (resume rule): its
// text so far and seq live here, every delta goes out with seq + 1, and the row is saved now and then
// so that a crash loses little and the next start can mark it interrupted.
import { serverFrame, type MessageError } from '#shared/protocol'
import type { MessageRow, TopicRow } from '../../database/schema'
import type { AgentRuntime, Turn } from '../agents/types'
import { AgentFailure } from '../agents/types'
import { publishToUser } from '../bus'
import { toMessage } from '../storage/mappers'
import { finishMessage, saveProgress } from '../storage/messages'
import { cancelTask, startTask } from '../tasks/queue'

const SAVE_EVERY_MS = 1_000

export class ReplyRun {
  content = ''
  seq = 0
  readonly controller = new AbortController()
  readonly finished: Promise<void>
  private lastSaved = Date.now()
  private saving: Promise<void> = Promise.resolve()
  private markDone!: () => void

  constructor(readonly message: MessageRow, readonly topic: TopicRow) {
    this.finished = new Promise(resolve => (this.markDone = resolve))
  }

  get ownerId() {
    return this.topic.ownerId
  }

  push(text: string) {
    if (!text) return
    this.content += text
    this.seq += 1
    publishToUser(this.ownerId, serverFrame('message.delta', { topicId: this.topic.id, messageId: this.message.id, seq: this.seq, text }))
    if (Date.now() - this.lastSaved >= SAVE_EVERY_MS) {
      this.lastSaved = Date.now()
      this.saving = this.saving.then(() => saveProgress(this.message.id, this.content, this.seq)).catch(error => console.warn('[reply] save failed', error))
    }
  }

  async finish(status: 'complete' | 'stopped' | 'failed', error?: MessageError) {
    try {
      await this.saving
      const row = await finishMessage(this.message.id, { content: this.content, seq: this.seq, status, error })
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

const runs = new Map<string, ReplyRun>()

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

/** Streams the agent's reply into `message` in the background; resolves when it has ended. */
export function runReply(agent: AgentRuntime, topic: TopicRow, message: MessageRow, history: Turn[]): ReplyRun {
  const run = new ReplyRun(message, topic)
  runs.set(message.id, run)
  const { signal } = run.controller
  const runTool = async (kind: string, input: unknown) => {
    if (!agent.tools.includes(kind)) return { status: 'failed' as const, error: { code: 'tool_unavailable', message: `This agent cannot use ${kind}` } }
    const task = await startTask({ ownerId: topic.ownerId, topicId: topic.id, messageId: message.id, kind, input })
    const cancel = () => void cancelTask(topic.ownerId, task.row.id).catch(() => {})
    signal.addEventListener('abort', cancel, { once: true })
    const outcome = await task.done
    signal.removeEventListener('abort', cancel)
    const status = outcome.task.status === 'completed' ? 'completed' : outcome.task.status === 'cancelled' ? 'cancelled' : 'failed'
    return { status, result: outcome.result, error: outcome.error } as const
  }
  void (async () => {
    try {
      for await (const piece of agent.reply({ history, signal, runTool })) {
        if (signal.aborted) break
        run.push(piece)
      }
      await run.finish(signal.aborted ? 'stopped' : 'complete')
    }
    catch (error) {
      if (signal.aborted) await run.finish('stopped')
      else await run.finish('failed', failureOf(error))
    }
  })()
    .catch(error => console.error('[reply] could not store the end of a reply', error))
    .finally(() => runs.delete(message.id))
  return run
}
