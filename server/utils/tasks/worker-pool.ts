// Worker threads that stay warm between jobs, for work that must never run on the event loop (a
// calculation can take exponential time or memory). A job takes an idle worker or starts one;
// at its time limit, on cancel, or when the worker dies (its heap limit), the worker is killed
// and a fresh one is started in the background, so the next job does not wait for the start.
// A worker's program posts READY once its imports are loaded: a job's time limit counts from
// then, so a slow start (loading mathjs on a busy machine) never fails the job as too slow.
import { Worker, type ResourceLimits } from 'node:worker_threads'

export interface WorkerPoolOptions<R> {
  /** The worker's program: an ES module, passed as a data: URL so the build needs no extra entry. */
  source: string
  /** Given to each new worker; read when it starts. */
  workerData: () => unknown
  resourceLimits: ResourceLimits
  /** Workers kept warm while no job runs. */
  idle: number
  /** Whether a worker may take another job after this reply (false: it is replaced). */
  reusable?: (reply: R) => boolean
  /** How long a worker may take to post READY before its job fails as a crash. */
  startMs?: number
}

/** The first message of every pool worker's program: `parentPort.postMessage(READY)`. */
export const READY = '__worker_ready__'

interface PooledWorker {
  worker: Worker
  /** Settles true once the worker posted READY, false if it exited or failed before. */
  ready: Promise<boolean>
}

/** How a job ended: the worker's reply, or why there is none. */
export type JobEnd<R>
  = | { ok: true, reply: R }
    | { ok: false, reason: 'time' | 'memory' | 'aborted' | 'crash', error?: Error }

type WorkerError = Error & { code?: string }

export class WorkerPool<Q, R> {
  private readonly idle: PooledWorker[] = []

  constructor(private readonly options: WorkerPoolOptions<R>) {}

  private start(): PooledWorker {
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(this.options.source)}`), {
      workerData: this.options.workerData(),
      resourceLimits: this.options.resourceLimits,
    })
    const ready = new Promise<boolean>((resolve) => {
      const onReady = (message: unknown) => {
        if (message !== READY) return
        worker.off('message', onReady)
        resolve(true)
      }
      worker.on('message', onReady)
      worker.once('exit', () => resolve(false))
    })
    const pooled = { worker, ready }
    // An idle worker must not keep the process alive, and one that dies leaves the pool.
    worker.unref()
    worker.on('error', () => {})
    worker.once('exit', () => {
      const index = this.idle.indexOf(pooled)
      if (index >= 0) this.idle.splice(index, 1)
    })
    return pooled
  }

  /** Starts a worker now, unless enough are warm already, so that the next job finds one ready. */
  warm() {
    if (this.idle.length < this.options.idle) this.idle.push(this.start())
  }

  private release(pooled: PooledWorker, reuse: boolean) {
    if (reuse && this.idle.length < this.options.idle) {
      this.idle.push(pooled)
      return
    }
    void pooled.worker.terminate()
    if (!reuse) this.warm()
  }

  /**
   * Runs one job on a worker: the worker's one reply, or why it gave none within `timeMs` of the
   * worker being ready (a worker that does not get ready within `startMs` is a crash).
   */
  run(request: Q, signal: AbortSignal, timeMs: number): Promise<JobEnd<R>> {
    const pooled = this.idle.pop() ?? this.start()
    const { worker } = pooled
    return new Promise((resolve) => {
      let done = false
      const finish = (end: JobEnd<R>) => {
        if (done) return
        done = true
        clearTimeout(timer)
        signal.removeEventListener('abort', onAbort)
        worker.off('message', onMessage).off('error', onError).off('exit', onExit)
        this.release(pooled, end.ok && (this.options.reusable?.(end.reply) ?? true))
        resolve(end)
      }
      const onMessage = (reply: R) => finish({ ok: true, reply })
      const onError = (error: WorkerError) => finish({ ok: false, reason: error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : 'crash', error })
      const onExit = (code: number) => finish({ ok: false, reason: 'crash', error: new Error(`the worker exited (${code})`) })
      const onAbort = () => finish({ ok: false, reason: 'aborted' })
      let timer = setTimeout(() => finish({ ok: false, reason: 'crash', error: new Error('the worker did not start in time') }), this.options.startMs ?? 30_000)
      worker.on('error', onError).on('exit', onExit)
      if (signal.aborted) return onAbort()
      signal.addEventListener('abort', onAbort, { once: true })
      void pooled.ready.then((ready) => {
        if (done || !ready) return
        clearTimeout(timer)
        timer = setTimeout(() => finish({ ok: false, reason: 'time' }), timeMs)
        worker.on('message', onMessage)
        worker.postMessage(request)
      })
    })
  }
}
