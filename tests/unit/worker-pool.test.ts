// The warm worker pool behind /calc (server/utils/tasks/worker-pool.ts): reuse, replacement and limits.
import { describe, expect, it } from 'vitest'
import { WorkerPool } from '../../server/utils/tasks/worker-pool'

// Answers each message with the worker's thread id; `spin` never answers, `grow` allocates without end.
const source = `
import { parentPort, threadId } from 'node:worker_threads'
parentPort.on('message', (job) => {
  if (job === 'spin') for (;;) {}
  if (job === 'grow') { const kept = []; for (;;) kept.push(new Array(1e5).fill(Math.random())) }
  parentPort.postMessage({ threadId, dirty: job === 'dirty' })
})
`

type Reply = { threadId: number, dirty: boolean }
const signal = () => new AbortController().signal

function pool() {
  return new WorkerPool<string, Reply>({ source, workerData: () => null, resourceLimits: { maxOldGenerationSizeMb: 32 }, idle: 1, reusable: reply => !reply.dirty })
}

async function threadOf(workers: WorkerPool<string, Reply>, job = 'hi'): Promise<number> {
  const end = await workers.run(job, signal(), 5_000)
  if (!end.ok) throw new Error(`job failed: ${end.reason}`)
  return end.reply.threadId
}

describe('WorkerPool', () => {
  it('reuses a warm worker for the next job', async () => {
    const workers = pool()
    const first = await threadOf(workers)
    expect(await threadOf(workers)).toBe(first)
  })

  it('replaces a worker whose reply says it must not be reused', async () => {
    const workers = pool()
    const first = await threadOf(workers, 'dirty')
    expect(await threadOf(workers)).not.toBe(first)
  })

  it('kills a worker at the time limit, and the next job gets a fresh one', async () => {
    const workers = pool()
    const first = await threadOf(workers)
    const started = performance.now()
    expect(await workers.run('spin', signal(), 200)).toEqual({ ok: false, reason: 'time' })
    expect(performance.now() - started).toBeLessThan(400)
    expect(await threadOf(workers)).not.toBe(first)
  })

  it('kills a worker when the job is aborted', async () => {
    const workers = pool()
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 50)
    expect(await workers.run('spin', controller.signal, 5_000)).toEqual({ ok: false, reason: 'aborted' })
    expect(await workers.run('hi', controller.signal, 5_000)).toEqual({ ok: false, reason: 'aborted' })
  })

  it('reports a worker that runs out of its heap as memory', async () => {
    const workers = pool()
    const end = await workers.run('grow', signal(), 10_000)
    expect(end).toMatchObject({ ok: false, reason: 'memory' })
    expect(await threadOf(workers)).toBeGreaterThan(0)
  }, 15_000)
})
