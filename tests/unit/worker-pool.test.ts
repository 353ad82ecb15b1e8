// The warm worker pool behind /calc (server/utils/tasks/worker-pool.ts): reuse, replacement and limits.
import { describe, expect, it } from 'vitest'
import { READY, WorkerPool } from '../../server/utils/tasks/worker-pool'

// Answers each message with the worker's thread id; `spin` never answers, `grow` allocates without end.
const source = `
import { parentPort, threadId } from 'node:worker_threads'
parentPort.on('message', (job) => {
  if (job === 'spin') for (;;) {}
  if (job === 'grow') { const kept = []; for (;;) kept.push(new Array(1e5).fill(Math.random())) }
  parentPort.postMessage({ threadId, dirty: job === 'dirty' })
})
parentPort.postMessage(${JSON.stringify(READY)})
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

  it('counts the time limit from the worker being ready: a slow start is not a slow job', async () => {
    // A program whose imports take 600 ms before it posts READY, with a 200 ms limit per job.
    const slow = new WorkerPool<string, Reply>({ source: `await new Promise(r => setTimeout(r, 600))\n${source}`, workerData: () => null, resourceLimits: { maxOldGenerationSizeMb: 32 }, idle: 1 })
    const end = await slow.run('hi', signal(), 200)
    expect(end).toMatchObject({ ok: true, reply: { threadId: expect.any(Number) } })
    // A worker that never gets ready fails as a crash at startMs, not as the job's time limit.
    const stuck = new WorkerPool<string, Reply>({ source: 'setInterval(() => {}, 1000)', workerData: () => null, resourceLimits: { maxOldGenerationSizeMb: 32 }, idle: 1, startMs: 300 })
    expect(await stuck.run('hi', signal(), 5_000)).toMatchObject({ ok: false, reason: 'crash', error: expect.objectContaining({ message: expect.stringMatching(/did not start/) }) })
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
