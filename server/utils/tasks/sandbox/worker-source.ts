// The worker thread's program for /run (an ES module passed as a data: URL, so the build needs no
// extra entry): it loads QuickJS, installs the prelude and runs the script within its limits.
// Runs inside the worker as an ES module, importing quickjs-emscripten from the URL in workerData.
// Top-level await: code that does not parse as a script but does inside an async function runs
// there, its last line returned when it is an expression, and the promise is awaited by draining
// QuickJS's job queue (there are no timers or I/O, so nothing else can settle it).
export const workerSource = String.raw`
import { parentPort, workerData } from 'node:worker_threads'
const { newQuickJSWASMModule, newVariant, RELEASE_SYNC, shouldInterruptAfterDeadline } = await import(workerData.moduleUrl)
const { code, prelude, memoryBytes, timeMs, maxLogLines, maxLogChars, maxValueChars } = workerData
const PAGE = 65536
// The module's own 16 MB (stack, data, QuickJS itself); the code's memory comes on top.
const BASE_PAGES = 256
const ASYNC_HEAD = '(async () => { '
// Last lines that are statements, or that would continue the line before them.
const STATEMENT = /^(?:(?:async[ \t]+)?function|class|const|let|var|if|for|while|do|switch|try|throw|return|import|export|break|continue)\b|^[{}]/
const CONTINUATION = /^[([+\-*/%.,?:=<>&|^]/
const logs = []
let logChars = 0

// Trailing semicolons and white space, removed without a regex that could backtrack on ';;;;x'.
function trimEnd(text) {
  let end = text.length
  while (end > 0 && (text[end - 1] === ';' || text[end - 1].trim() === '')) end--
  return text.slice(0, end)
}

/** The last line as an expression to return, or null when it is a statement or continues the line before. */
function returnable(line, before) {
  const expression = trimEnd(line).trim()
  const joined = CONTINUATION.test(expression) && before.trim() && !/[;{}]\s*$/.test(before.slice(-200))
  return !expression || STATEMENT.test(expression) || joined ? null : expression
}

// Wrappings to try, best first: returning the last line, or the part of it after its last ';', and
// plain. A split inside a string or a for (;;) does not parse, and is skipped.
function asyncSources(source) {
  const lines = source.split('\n')
  const plain = ASYNC_HEAD + source + '\n})()'
  let last = lines.length - 1
  while (last >= 0 && /^[ \t\r]*(\/\/.*)?$/.test(lines[last])) last--
  if (last < 0) return [plain]
  const before = lines.slice(0, last).join('\n') + (last ? '\n' : '')
  const line = trimEnd(lines[last])
  const split = line.lastIndexOf(';')
  const candidates = [[before, line]]
  if (split > 0) candidates.push([before + line.slice(0, split + 1) + ' ', line.slice(split + 1)])
  const sources = []
  for (const [head, tail] of candidates) {
    const expression = returnable(tail, head)
    if (expression) sources.push(ASYNC_HEAD + head + 'return (' + expression + '\n)})()')
  }
  return sources.concat(plain)
}

function setUp(vm) {
  const emit = vm.newFunction('emit', (levelHandle, textHandle) => {
    const text = vm.getString(textHandle)
    if (logs.length < maxLogLines && logChars < maxLogChars) {
      logs.push({ level: vm.getString(levelHandle), text: text.slice(0, maxLogChars - logChars) })
      logChars += text.length
    }
  })
  const promiseState = vm.newFunction('promiseState', (promise) => {
    const state = vm.getPromiseState(promise)
    const out = vm.newArray()
    vm.newString(state.notAPromise ? 'unknown' : state.type).consume(h => vm.setProp(out, 0, h))
    if (!state.notAPromise && state.type === 'fulfilled') state.value.consume(h => vm.setProp(out, 1, h))
    if (state.type === 'rejected') state.error.consume(h => vm.setProp(out, 1, h))
    return out
  })
  const factory = vm.unwrapResult(vm.evalCode(prelude, 'prelude.js', { type: 'global' }))
  const args = [emit, promiseState, vm.newNumber(maxLogLines), vm.newNumber(maxLogChars)]
  const api = vm.unwrapResult(vm.callFunction(factory, vm.undefined, args))
  const helpers = { inspect: vm.getProp(api, 'inspect'), describeThrown: vm.getProp(api, 'describeThrown') }
  for (const handle of [...args, factory, api]) handle.dispose()
  return helpers
}

function safeDump(vm, handle) {
  try { return vm.dump(handle) } catch { return undefined }
}

/** An error's "Name: message" read from the host side, which works when the VM cannot run any more. */
function errorText(dumped) {
  if (!dumped || typeof dumped !== 'object' || typeof dumped.message !== 'string') return null
  const name = typeof dumped.name === 'string' && dumped.name ? dumped.name : 'Error'
  return dumped.message ? name + ': ' + dumped.message : name
}

// QuickJS throws null when it runs out of memory while making the error itself.
function isNothing(dumped) {
  return dumped === undefined || dumped === null || dumped === ''
}

function memoryGrew(sandbox) {
  return sandbox.memory.buffer.byteLength > BASE_PAGES * PAGE
}

/** Calls a prelude helper: its text, or what it threw (out of memory, past the deadline, a throwing getter); null for nothing. */
function callHelper(sandbox, helper, handle, mode) {
  const { vm } = sandbox
  const args = mode ? [handle, vm.newString(mode), vm.newNumber(maxValueChars)] : [handle, vm.newNumber(maxValueChars)]
  try {
    const result = vm.callFunction(sandbox.helpers[helper], vm.undefined, args)
    if (result.error) {
      const dumped = result.error.consume(h => safeDump(vm, h))
      return { thrown: errorText(dumped) ?? (isNothing(dumped) ? null : 'Uncaught ' + String(dumped)) }
    }
    return { text: result.value.consume(h => (vm.typeof(h) === 'string' ? vm.getString(h) : '')) }
  }
  catch (error) { return { thrown: String(error && error.message || error) } }
  finally { for (const arg of args.slice(1)) arg.dispose() }
}

/** "TypeError: bad value", "Uncaught 'text'"; '' when the VM could not even make an error (no memory left). */
function thrownText(sandbox, handle) {
  const dumped = safeDump(sandbox.vm, handle)
  const error = errorText(dumped)
  if (error !== null) return error
  if (isNothing(dumped) && memoryGrew(sandbox)) return ''
  const described = callHelper(sandbox, 'describeThrown', handle)
  return described.text ?? 'Uncaught ' + String(dumped)
}

// Only our interrupt handler interrupts, and only past the deadline. QuickJS says "out of memory"
// at either memory cap, and "string too long" for a string past 2^30 characters.
function limitOf(text) {
  if (text === 'InternalError: interrupted') return 'time'
  if (text === 'InternalError: out of memory' || text === 'InternalError: string too long') return 'memory'
  return undefined
}

function failure(sandbox, handle) {
  const text = thrownText(sandbox, handle) || 'InternalError: out of memory'
  handle.dispose()
  return { ok: false, logs, error: text, limit: limitOf(text) }
}

function compileError(sandbox, source) {
  const result = sandbox.vm.evalCode(source, 'main.js', { type: 'global', compileOnly: true })
  if (!result.error) { result.value.dispose(); return null }
  const text = thrownText(sandbox, result.error)
  result.error.dispose()
  return text
}

/** The source to run: the code as a script, or wrapped for top-level await; or why neither parses. */
function plan(sandbox) {
  let error = compileError(sandbox, code)
  if (!error) return { source: code, wrapped: false }
  if (/\bawait\b/.test(code)) {
    for (const source of asyncSources(code)) {
      const wrappedError = compileError(sandbox, source)
      if (!wrappedError) return { source, wrapped: true }
      error = wrappedError
    }
  }
  if (/^[ \t]*(import|export)\b/m.test(code)) error += ' (import and export are not supported: the sandbox runs one script, without modules)'
  return { error }
}

function drainJobs(runtime) {
  for (;;) {
    const done = runtime.executePendingJobs()
    if (done.error) return done.error
    if (done.value === 0) return null
  }
}

function settleValue(sandbox, handle) {
  if (sandbox.vm.typeof(handle) === 'undefined') { handle.dispose(); return { ok: true, logs } }
  const shown = callHelper(sandbox, 'inspect', handle, 'value')
  handle.dispose()
  if (shown.text !== undefined) return { ok: true, logs, value: shown.text }
  // Showing the value ran past a limit, or a getter or proxy of the code threw.
  const thrown = shown.thrown ?? (memoryGrew(sandbox) ? 'InternalError: out of memory' : 'Uncaught null')
  const limit = limitOf(thrown)
  if (limit) return { ok: false, logs, error: thrown, limit }
  return { ok: true, logs, value: '[the value could not be shown: ' + thrown + ']' }
}

function settleAwaited(sandbox, promise) {
  const state = sandbox.vm.getPromiseState(promise)
  promise.dispose()
  if (state.type === 'rejected') return failure(sandbox, state.error)
  if (state.type === 'fulfilled') return settleValue(sandbox, state.value)
  return { ok: false, logs, error: 'Top-level await never finished: nothing in the sandbox can settle the awaited promise (it has no timers, network or I/O)' }
}

function run(sandbox) {
  const planned = plan(sandbox)
  if (planned.error) return { ok: false, logs, error: planned.error }
  const result = sandbox.vm.evalCode(planned.source, 'main.js', { type: 'global' })
  if (result.error) return failure(sandbox, result.error)
  const jobError = drainJobs(sandbox.runtime)
  if (jobError) { result.value.dispose(); return failure(sandbox, jobError) }
  return planned.wrapped ? settleAwaited(sandbox, result.value) : settleValue(sandbox, result.value)
}

async function main() {
  const memory = new WebAssembly.Memory({ initial: BASE_PAGES, maximum: BASE_PAGES + Math.ceil(memoryBytes / PAGE) })
  const QuickJS = await newQuickJSWASMModule(newVariant(RELEASE_SYNC, { wasmMemory: memory }))
  // Loaded: the host's hard stop counts from here, like the deadline below.
  parentPort.postMessage(workerData.ready)
  const runtime = QuickJS.newRuntime()
  runtime.setMemoryLimit(memoryBytes)
  runtime.setMaxStackSize(512 * 1024)
  const deadline = Date.now() + timeMs
  runtime.setInterruptHandler(shouldInterruptAfterDeadline(deadline))
  const vm = runtime.newContext()
  const sandbox = { vm, runtime, memory, deadline, helpers: setUp(vm) }
  return run(sandbox)
}

main().then(outcome => parentPort.postMessage(outcome), (error) => {
  const message = String(error && error.message || error)
  parentPort.postMessage({ ok: false, logs, error: message, limit: /out of memory|OOM/i.test(message) ? 'memory' : undefined })
})
`
