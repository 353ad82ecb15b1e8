// `/run`: JavaScript in QuickJS inside a worker thread, so that an endless loop blocks neither the
// socket nor other replies. Limits: memory, an interrupt deadline, and a hard kill of the worker.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
// Loaded by the worker, not here: the import makes the build copy the package into its output.
import 'quickjs-emscripten'
import { z } from 'zod'
import { defineTaskKind, TaskFailure, truncate } from './types'

export const RUN_LIMITS = { memoryBytes: 32 * 1024 * 1024, timeMs: 3_000, maxLogLines: 200, maxLogChars: 20_000 }

export interface RunOutcome {
  ok: boolean
  logs: { level: string, text: string }[]
  value?: string
  error?: string
  limit?: 'time' | 'memory'
}

// Runs inside the worker as an ES module, importing quickjs-emscripten from the URL in workerData.
const workerSource = String.raw`
import { parentPort, workerData } from 'node:worker_threads'
const { getQuickJS, shouldInterruptAfterDeadline } = await import(workerData.moduleUrl)
const { code, memoryBytes, timeMs, maxLogLines, maxLogChars } = workerData
function show(vm, handle) {
  const value = vm.dump(handle)
  if (typeof value === 'string') return value
  try { return JSON.stringify(value) ?? String(value) } catch { return String(value) }
}
getQuickJS().then((QuickJS) => {
  const runtime = QuickJS.newRuntime()
  runtime.setMemoryLimit(memoryBytes)
  runtime.setMaxStackSize(512 * 1024)
  const deadline = Date.now() + timeMs
  runtime.setInterruptHandler(shouldInterruptAfterDeadline(deadline))
  const vm = runtime.newContext()
  const logs = []
  let logChars = 0
  const consoleHandle = vm.newObject()
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    const fn = vm.newFunction(level, (...args) => {
      const text = args.map(arg => show(vm, arg)).join(' ')
      if (logs.length < maxLogLines && logChars < maxLogChars) {
        logs.push({ level, text: text.slice(0, maxLogChars - logChars) })
        logChars += text.length
      }
    })
    vm.setProp(consoleHandle, level, fn)
    fn.dispose()
  }
  vm.setProp(vm.global, 'console', consoleHandle)
  consoleHandle.dispose()
  const result = vm.evalCode(code, 'main.js')
  let outcome
  if (result.error) {
    const error = vm.dump(result.error)
    result.error.dispose()
    const message = error && typeof error === 'object' ? (error.name ? error.name + ': ' : '') + (error.message ?? '') : String(error)
    const limit = Date.now() >= deadline && /interrupted/i.test(message) ? 'time' : /out of memory|memory/i.test(message) ? 'memory' : undefined
    outcome = { ok: false, logs, error: message, limit }
  }
  else {
    const value = vm.typeof(result.value) === 'undefined' ? undefined : show(vm, result.value)
    result.value.dispose()
    outcome = { ok: true, logs, value }
  }
  try { vm.dispose(); runtime.dispose() } catch {}
  parentPort.postMessage(outcome)
}).catch((error) => {
  const message = String(error && error.message || error)
  parentPort.postMessage({ ok: false, logs: [], error: message, limit: /memory/i.test(message) ? 'memory' : undefined })
})
`

/** quickjs-emscripten's ES module entry, found from the running script (the build output) or the working directory. */
function quickjsModuleUrl(): string {
  const bases = [process.argv[1], join(process.cwd(), 'index.js')].filter((base): base is string => !!base)
  for (const base of bases) {
    try {
      const manifest = createRequire(base).resolve('quickjs-emscripten/package.json')
      return pathToFileURL(join(dirname(manifest), 'dist', 'index.mjs')).href
    }
    catch {
      // try the next base
    }
  }
  throw new Error('quickjs-emscripten is not installed')
}

let moduleUrl: string | undefined

export function runInSandbox(code: string, signal: AbortSignal, limits = RUN_LIMITS): Promise<RunOutcome> {
  return new Promise((resolve, reject) => {
    moduleUrl ??= quickjsModuleUrl()
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(workerSource)}`), {
      workerData: { code, moduleUrl, ...limits },
      resourceLimits: { maxOldGenerationSizeMb: 128 },
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
    const hardStop = setTimeout(() => finish(() => resolve({ ok: false, logs: [], error: 'Time limit exceeded', limit: 'time' })), limits.timeMs + 2_000)
    const onAbort = () => finish(() => reject(signal.reason ?? new Error('aborted')))
    signal.addEventListener('abort', onAbort, { once: true })
    worker.once('message', (outcome: RunOutcome) => finish(() => resolve(outcome)))
    worker.once('error', (error: Error) => finish(() => resolve({ ok: false, logs: [], error: `Sandbox crashed: ${error.message}` })))
    worker.once('exit', code => finish(() => resolve({ ok: false, logs: [], error: `Sandbox exited (${code})` })))
  })
}

export function formatRunOutput(outcome: RunOutcome): string {
  const lines = outcome.logs.map(log => (log.level === 'log' || log.level === 'info' ? log.text : `[${log.level}] ${log.text}`))
  if (outcome.value !== undefined) lines.push(`=> ${outcome.value}`)
  return lines.join('\n')
}

export default defineTaskKind({
  kind: 'run-code',
  description: 'Run JavaScript (ES2023, no network, no file system) in a sandbox and return its console output and the value of the last expression.',
  input: z.object({ code: z.string().min(1).max(20_000).describe('JavaScript source; use console.log to print') }),
  timeoutMs: RUN_LIMITS.timeMs + 5_000,
  title: input => `Run ${truncate(input.code.split('\n')[0]!.trim() || 'code', 50)}`,
  async run(input, ctx) {
    ctx.progress(0.1)
    const outcome = await runInSandbox(input.code, ctx.signal)
    const output = formatRunOutput(outcome)
    if (!outcome.ok) {
      const reason = outcome.limit === 'time'
        ? `Time limit of ${RUN_LIMITS.timeMs / 1000} s exceeded`
        : outcome.limit === 'memory' ? `Memory limit of ${RUN_LIMITS.memoryBytes / 1024 / 1024} MB exceeded` : outcome.error!
      throw new TaskFailure(outcome.limit ? `${outcome.limit}_limit` : 'script_error', output ? `${reason}\nOutput before the error:\n${truncate(output, 2000)}` : reason)
    }
    return {
      text: output ? `\`\`\`text\n${truncate(output, 8000)}\n\`\`\`` : '_No output._',
      logs: outcome.logs,
      ...(outcome.value !== undefined ? { value: outcome.value } : {}),
    }
  },
})
