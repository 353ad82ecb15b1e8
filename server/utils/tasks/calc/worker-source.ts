// The worker thread's program for /calc (an ES module passed as a data: URL, like the /run
// sandbox's): it loads mathjs from the URL in workerData, locks it down once, then answers one
// { expression, maxChars } message at a time with the value's text, cut to maxChars, or the error.
import { READY } from '../worker-pool'
import { formatResult, lockDown } from './math'

// The embedded functions are compiled JavaScript by the time this runs (esbuild in the build and
// in vitest), so their text is valid inside the worker.
export const calcWorkerSource = `
import { parentPort, workerData } from 'node:worker_threads'
const { create, all } = await import(workerData.moduleUrl)
const lockDown = ${String(lockDown)}
const formatResult = ${String(formatResult)}
const math = create(all)
const readConfig = math.config
const evaluate = lockDown(math)
const initialConfig = JSON.stringify(readConfig())

function calculate(expression, maxChars) {
  let value
  try {
    value = evaluate(expression)
  }
  catch (error) {
    return { ok: false, error: String((error && error.message) || error) }
  }
  // Several expressions ("a = 2; a * 3") give a ResultSet: the last value is the answer.
  const last = math.isResultSet(value) ? value.entries.at(-1) : value
  if (typeof last === 'function' || last === undefined) return { ok: false, noValue: true }
  const text = formatResult(last, math)
  // Cut before it crosses to the main thread; never between the two halves of an emoji.
  const high = text.length > maxChars ? text.charCodeAt(maxChars - 1) : 0
  const end = high >= 0xD800 && high <= 0xDBFF ? maxChars - 1 : maxChars
  return { ok: true, value: text.slice(0, end), length: text.length }
}

parentPort.on('message', ({ expression, maxChars }) => {
  let reply
  try {
    reply = calculate(expression, maxChars)
  }
  catch (error) {
    reply = { ok: false, error: String((error && error.message) || error) }
  }
  // A tripwire: nothing an expression does may change the instance for the next one. A worker
  // whose configuration changed anyway is not used again.
  parentPort.postMessage({ ...reply, tainted: JSON.stringify(readConfig()) !== initialConfig })
})
parentPort.postMessage(${JSON.stringify(READY)})
`
