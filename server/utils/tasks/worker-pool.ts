// Worker threads that stay warm between jobs, for work that must never run on the event loop (a
// calculation can take exponential time or memory). A job takes an idle worker or starts one;
// at its time limit, on cancel, or when the worker dies (its heap limit), the worker is killed
// and a fresh one is started in the background, so the next job does not wait for the start.
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
}

/** How a job ended: the worker's reply, or why there is none. */
export type JobEnd<R>
  = | { ok: true, reply: R }
    | { ok: false, reason: 'time' | 'memory' | 'aborted' | 'crash', error?: Error }

type WorkerError = Error & { code?: string }

export class WorkerPool<Q, R> {
  private readonly idle: Worker[] = []

  constructor(private readonly options: WorkerPoolOptions<R>) {}

  private start(): Worker {
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(this.options.source)}`), {
      workerData: this.options.workerData(),
      resourceLimits: this.options.resourceLimits,
    })
    // An idle worker must not keep the process alive, and one that dies leaves the pool.
    worker.unref()
    worker.on('error', () => {})
    worker.once('exit', () => {
      const index = this.idle.indexOf(worker)
      if (index >= 0) this.idle.splice(index, 1)
    })
    return worker
  }

  /** Starts a worker now, unless enough are warm already, so that the next job finds one ready. */
  warm() {
    if (this.idle.length < this.options.idle) this.idle.push(this.start())
  }

  private release(worker: Worker, reuse: boolean) {
    if (reuse && this.idle.length < this.options.idle) {
      this.idle.push(worker)
      return
    }
    void worker.terminate()
    if (!reuse) this.warm()
  }

  /** Runs one job on a worker: the worker's one reply, or why it gave none within `timeMs`. */
  run(request: Q, signal: AbortSignal, timeMs: number): Promise<JobEnd<R>> {
    const worker = this.idle.pop() ?? this.start()
    return new Promise((resolve) => {
      const finish = (end: JobEnd<R>) => {
        clearTimeout(timer)
        signal.removeEventListener('abort', onAbort)
        worker.off('message', onMessage).off('error', onError).off('exit', onExit)
        this.release(worker, end.ok && (this.options.reusable?.(end.reply) ?? true))
        resolve(end)
      }
      const onMessage = (reply: R) => finish({ ok: true, reply })
      const onError = (error: WorkerError) => finish({ ok: false, reason: error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : 'crash', error })
      const onExit = (code: number) => finish({ ok: false, reason: 'crash', error: new Error(`the worker exited (${code})`) })
      const onAbort = () => finish({ ok: false, reason: 'aborted' })
      const timer = setTimeout(() => finish({ ok: false, reason: 'time' }), timeMs)
      worker.on('message', onMessage).on('error', onError).on('exit', onExit)
      if (signal.aborted) return onAbort()
      signal.addEventListener('abort', onAbort, { once: true })
      worker.postMessage(request)
    })
  }
}
