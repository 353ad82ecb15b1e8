// The host side of the /run sandbox: starts a worker thread per run with the QuickJS program of
// worker-source.ts, enforces a hard stop and turns the worker's fate into a RunOutcome.
import { Worker } from 'node:worker_threads'
import { READY } from '../worker-pool'
// Loaded by the worker, not here: the import makes the build copy the package into its output.
import 'quickjs-emscripten'
import { packageFileUrl } from '../package-url'
import { preludeSource } from './prelude'
import { workerSource } from './worker-source'

export interface RunLimits {
  memoryBytes: number
  timeMs: number
  maxLogLines: number
  maxLogChars: number
  /** The shown value of the last expression (and a thrown value) is cut at this length. */
  maxValueChars: number
  /** The worker thread's own V8 heap: what the host side of the sandbox may use. */
  workerHeapMb: number
}

// One property per line: on a single line, Nitro's export scanner (mlly) reads the fields of the
// interface below as extra exports of this file.
export const RUN_LIMITS: RunLimits = {
  memoryBytes: 32 * 1024 * 1024,
  timeMs: 3_000,
  maxLogLines: 200,
  maxLogChars: 20_000,
  maxValueChars: 10_000,
  workerHeapMb: 128,
}

/** How long a sandbox may take to load QuickJS before its run fails. */
export const SANDBOX_START_MS = 10_000

export interface RunOutcome {
  ok: boolean
  logs: { level: string, text: string }[]
  value?: string
  error?: string
  limit?: 'time' | 'memory'
}

/** The outcome when the worker itself fails: its own heap limit is a memory limit too. */
export function crashOutcome(error: Error & { code?: string }): RunOutcome {
  if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') return { ok: false, logs: [], error: 'The sandbox ran out of memory', limit: 'memory' }
  return { ok: false, logs: [], error: `Sandbox crashed: ${error.message}` }
}

export function runInSandbox(code: string, signal: AbortSignal, limits: RunLimits = RUN_LIMITS): Promise<RunOutcome> {
  return new Promise((resolve, reject) => {
    const moduleUrl = packageFileUrl('quickjs-emscripten', 'dist/index.mjs')
    const { workerHeapMb, ...sandboxLimits } = limits
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(workerSource)}`), {
      workerData: { code, moduleUrl, prelude: preludeSource, ready: READY, ...sandboxLimits },
      resourceLimits: { maxOldGenerationSizeMb: workerHeapMb },
    })
    let settled = false
    const finish = (fn: () => void) => {
      if (settled) return
      settled = true
      clearTimeout(hardStop)
      signal.removeEventListener('abort', onAbort)
      void worker.terminate()
      fn()
    }
    // QuickJS interrupts itself at the deadline; this only catches a worker that does not come back.
    // Both count from the worker having loaded QuickJS (a busy machine can take seconds for that),
    // which it gets SANDBOX_START_MS for.
    let hardStop = setTimeout(() => finish(() => resolve({ ok: false, logs: [], error: 'The sandbox did not start in time' })), SANDBOX_START_MS)
    const onAbort = () => finish(() => reject(signal.reason ?? new Error('aborted')))
    signal.addEventListener('abort', onAbort, { once: true })
    worker.on('message', (message: RunOutcome | typeof READY) => {
      if (message !== READY) return finish(() => resolve(message))
      clearTimeout(hardStop)
      hardStop = setTimeout(() => finish(() => resolve({ ok: false, logs: [], error: 'Time limit exceeded', limit: 'time' })), limits.timeMs + 2_000)
    })
    worker.once('error', (error: Error & { code?: string }) => finish(() => resolve(crashOutcome(error))))
    worker.once('exit', code => finish(() => resolve({ ok: false, logs: [], error: `Sandbox exited (${code})` })))
  })
}
