import { describe, expect, it } from 'vitest'
import runCodeKind, { formatRunOutput } from '../../server/utils/tasks/run-code'
import { crashOutcome, RUN_LIMITS, runInSandbox } from '../../server/utils/tasks/sandbox/host'
import { TaskFailure, type TaskContext } from '../../server/utils/tasks/types'

// Small limits keep the slow cases fast; the worker's hard stop adds 2 s on top of timeMs.
const FAST = { ...RUN_LIMITS, timeMs: 400, memoryBytes: 8 * 1024 * 1024 }
const run = (code: string, limits = FAST) => runInSandbox(code, new AbortController().signal, limits)

function context(signal = new AbortController().signal): TaskContext & { reported: number[] } {
  const reported: number[] = []
  return { signal, reported, progress: v => reported.push(v), loadConversation: async () => [] }
}

async function runFailure(code: string): Promise<TaskFailure> {
  try {
    await runCodeKind.run({ code }, context())
  }
  catch (error) {
    if (error instanceof TaskFailure) return error
    throw error
  }
  throw new Error('expected the run to fail')
}

describe('runInSandbox', () => {
  it('captures console output with its level, in order', async () => {
    const outcome = await run('console.log("a", 1, {b: 2}); console.info("i"); console.warn("w"); console.error("e"); console.debug("d")')
    expect(outcome.ok).toBe(true)
    expect(outcome.logs).toEqual([
      { level: 'log', text: 'a 1 { b: 2 }' },
      { level: 'info', text: 'i' },
      { level: 'warn', text: 'w' },
      { level: 'error', text: 'e' },
      { level: 'debug', text: 'd' },
    ])
  })

  it('returns the value of the last expression', async () => {
    expect((await run('const xs = [1, 2, 3].map(n => n * n); xs.reduce((a, b) => a + b)')).value).toBe('14')
    expect((await run('({a: [1, "two"]})')).value).toBe('{ a: [ 1, \'two\' ] }')
    // As a REPL shows it: a string value is quoted, so "5" and 5 differ.
    expect((await run('"plain " + "string"')).value).toBe('\'plain string\'')
    expect((await run('"5"')).value).toBe('\'5\'')
  })

  it('has no value when the last statement gives undefined', async () => {
    const outcome = await run('let x = 1')
    expect(outcome).toMatchObject({ ok: true })
    expect(outcome.value).toBeUndefined()
  })

  it('reports a thrown error with its name and message, keeping the output before it', async () => {
    const outcome = await run('console.log("before"); throw new TypeError("bad value")')
    expect(outcome).toMatchObject({ ok: false, error: 'TypeError: bad value', logs: [{ level: 'log', text: 'before' }] })
    expect(outcome.limit).toBeUndefined()
  })

  it('reports syntax and reference errors', async () => {
    expect((await run('const = 1')).error).toMatch(/^SyntaxError/)
    expect((await run('missingName()')).error).toMatch(/^ReferenceError: .*missingName/)
  })

  it('gives the code no access to the host', async () => {
    const outcome = await run('[typeof require, typeof process, typeof fetch, typeof setTimeout].join()')
    expect(outcome.value).toBe('\'undefined,undefined,undefined,undefined\'')
  })

  it('stops an endless loop with limit "time" within the time limit plus slack', async () => {
    const started = Date.now()
    const outcome = await run('while (true) {}')
    const elapsed = Date.now() - started
    expect(outcome).toMatchObject({ ok: false, limit: 'time' })
    expect(elapsed).toBeGreaterThanOrEqual(FAST.timeMs - 50)
    expect(elapsed).toBeLessThan(FAST.timeMs + 2_000)
  })

  it.each([
    ['an array of big arrays', 'const a = []; while (true) a.push(new Array(1e5).fill(1))'],
    ['an array of big strings', 'const a = []; while (true) a.push("x".repeat(1e5) + a.length)'],
    ['a growing Map', 'const m = new Map(); let i = 0; while (true) m.set(i, "v" + i++)'],
  ])('reports an allocation loop (%s) as the memory limit, well before the time limit', async (_name, code) => {
    // QuickJS counts few bytes of a big allocation against its limit; the capped WebAssembly memory
    // is what stops these loops, in well under a second rather than at the clock.
    const clock = { ...FAST, timeMs: 2_000 }
    const outcome = await run(code, clock)
    expect(outcome).toMatchObject({ ok: false, limit: 'memory', error: 'InternalError: out of memory' })
  })

  it('reports a string doubling without end as the memory limit', async () => {
    const outcome = await run('let s = "x"; while (true) s += s')
    expect(outcome).toMatchObject({ ok: false, limit: 'memory', error: 'InternalError: string too long' })
  })

  it('reports an endless loop that allocates as the time limit when memory holds out', async () => {
    const outcome = await run('let n = 0; while (true) { const o = { n: n++ } }')
    expect(outcome).toMatchObject({ ok: false, limit: 'time', error: 'InternalError: interrupted' })
  })

  it('does not call a stack overflow a memory limit', async () => {
    const outcome = await run('function f() { return f() } f()')
    expect(outcome).toMatchObject({ ok: false, error: 'InternalError: stack overflow' })
    expect(outcome.limit).toBeUndefined()
  })

  it('reports the worker running out of its own heap as the memory limit', () => {
    // Not provoked for real: user code cannot grow the worker's own heap (QuickJS's memory is a capped
    // WebAssembly memory, logs and values are capped), and a heap too small to start the worker at
    // all is fatal to the whole process on Node 24 (2 MB is; 4 MB fails the worker cleanly).
    const error = Object.assign(new Error('Worker terminated due to reaching memory limit: JS heap out of memory'), { code: 'ERR_WORKER_OUT_OF_MEMORY' })
    expect(crashOutcome(error)).toEqual({ ok: false, logs: [], error: 'The sandbox ran out of memory', limit: 'memory' })
    expect(crashOutcome(new Error('boom'))).toEqual({ ok: false, logs: [], error: 'Sandbox crashed: boom' })
  })

  it('stops a memory hog with limit "memory"', async () => {
    // A generous clock, so that a loaded machine reaches the memory limit before the time limit.
    const roomy = { ...FAST, timeMs: 10_000 }
    const growing = await run('const a = []; let i = 0; while (true) a.push({ i: i++ })', roomy)
    expect(growing).toMatchObject({ ok: false, limit: 'memory' })
    expect(growing.error).toMatch(/out of memory/)
    const huge = await run('new Array(1e8).fill(0)', roomy)
    expect(huge).toMatchObject({ ok: false, limit: 'memory' })
  })

  it('rejects promptly with the signal reason when aborted', async () => {
    const controller = new AbortController()
    const started = Date.now()
    const pending = runInSandbox('while (true) {}', controller.signal, { ...FAST, timeMs: 5_000 })
    setTimeout(() => controller.abort(new Error('stopped by test')), 50)
    await expect(pending).rejects.toThrow('stopped by test')
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  it('caps the number of log lines and the logged characters', async () => {
    const lines = await run('for (let i = 0; i < 50; i++) console.log(i)', { ...FAST, maxLogLines: 5 })
    expect(lines.logs.map(l => l.text)).toEqual(['0', '1', '2', '3', '4'])
    const chars = await run('console.log("x".repeat(100)); console.log("y".repeat(100))', { ...FAST, maxLogChars: 150 })
    expect(chars.logs.map(l => l.text.length)).toEqual([100, 50])
  })
})

describe('runInSandbox: printing values as a console does', () => {
  const logged = async (code: string) => (await run(code)).logs.map(log => log.text)
  const valueOf = async (code: string) => (await run(code)).value

  it.each([
    ['new Map([["a", 1], ["b", 2]])', 'Map(2) { \'a\' => 1, \'b\' => 2 }'],
    ['new Map()', 'Map(0) {}'],
    ['new Set([1])', 'Set(1) { 1 }'],
    ['[undefined, null]', '[ undefined, null ]'],
    ['NaN', 'NaN'],
    ['-Infinity', '-Infinity'],
    ['-0', '-0'],
    ['10n ** 20n', '100000000000000000000n'],
    ['Symbol("s")', 'Symbol(s)'],
    ['(function f() {})', '[Function: f]'],
    ['(() => {})', '[Function (anonymous)]'],
    ['(async function g() {})', '[AsyncFunction: g]'],
    ['(function* h() {})', '[GeneratorFunction: h]'],
    ['class A {}; class B extends A {}; B', '[class B extends A]'],
    ['new Date(0)', '1970-01-01T00:00:00.000Z'],
    ['new Date(NaN)', 'Invalid Date'],
    ['/a+b/gi', '/a+b/gi'],
    ['[1, 2, 3]', '[ 1, 2, 3 ]'],
    ['[]', '[]'],
    ['({})', '{}'],
    ['[1, , 3]', '[ 1, <1 empty item>, 3 ]'],
    ['({ a: 1, b: ["x"] })', '{ a: 1, b: [ \'x\' ] }'],
    ['({ "a-b": 1, [Symbol("k")]: 2, get g() { return 3 } })', '{ \'a-b\': 1, g: [Getter], [Symbol(k)]: 2 }'],
    ['const o = { a: 1 }; o.self = o; o', '{ a: 1, self: [Circular] }'],
    ['class Point { constructor() { this.x = 1; this.y = 2 } }; new Point()', 'Point { x: 1, y: 2 }'],
    ['Object.create(null)', '[Object: null prototype] {}'],
    ['new Error("boom")', 'Error: boom'],
    ['new RangeError("too far")', 'RangeError: too far'],
    ['[new Error("inner")]', '[ [Error: inner] ]'],
    ['const e = new Error("c"); e.code = "E1"; e', 'Error: c { code: \'E1\' }'],
    ['new Uint8Array([1, 2])', 'Uint8Array(2) [ 1, 2 ]'],
    ['new WeakMap()', 'WeakMap { <items unknown> }'],
    ['new Number(3)', '[Number: 3]'],
    ['"it\'s"', '"it\'s"'],
    ['"line\\nbreak"', '\'line\\nbreak\''],
    ['({ a: { b: { c: { d: { e: { f: 1 } } } } } })', '{ a: { b: { c: { d: { e: [Object] } } } } }'],
  ])('shows the value of %s as %s', async (code, shown) => {
    expect(await valueOf(code)).toBe(shown)
  })

  it('prints strings plainly at the top of console.log and quoted inside values', async () => {
    expect(await logged('console.log("a", ["b"], { c: "d" }, 1)')).toEqual(['a [ \'b\' ] { c: \'d\' } 1'])
  })

  it('prints an error by its name and message', async () => {
    expect(await logged('console.log(new TypeError("bad"))')).toEqual(['TypeError: bad'])
  })

  it('applies console.log format strings', async () => {
    expect(await logged('console.log("%s is %d, %o%%", "x", 4.5, [1], "rest")')).toEqual(['x is 4.5, [ 1 ]% rest'])
  })

  it('breaks a long structure into lines, packing short items', async () => {
    const value = await valueOf('Array.from({ length: 30 }, (_, i) => i * 1000)')
    expect(value!.split('\n')[0]).toBe('[')
    expect(value!.split('\n').length).toBeLessThan(10)
    const objects = await valueOf('Array.from({ length: 3 }, (_, i) => ({ name: "item number " + i, tags: ["a", "b"] }))')
    expect(objects).toBe('[\n  { name: \'item number 0\', tags: [ \'a\', \'b\' ] },\n  { name: \'item number 1\', tags: [ \'a\', \'b\' ] },\n  { name: \'item number 2\', tags: [ \'a\', \'b\' ] }\n]')
  })

  it('bounds what it shows: items, characters and depth', async () => {
    expect(await valueOf('Array.from({ length: 1000 }, (_, i) => i)')).toMatch(/\n {2}\.\.\. 900 more items\n\]$/)
    expect(await valueOf('new Set(Array.from({ length: 150 }, (_, i) => i))')).toContain('... 50 more items')
    const long = await valueOf('"x".repeat(50000)')
    expect(long!.length).toBeLessThanOrEqual(10_000)
    expect(long).toMatch(/more characters$/)
    const wide = await valueOf('const o = {}; for (let i = 0; i < 5000; i++) o["key" + i] = "v".repeat(50); o')
    expect(wide!.length).toBeLessThanOrEqual(10_000)
    expect(await valueOf('new Array(1e9)')).toBe('[ ... 1000000000 more items ]')
  })

  it('settles promises: a promise value shows its state, and .then callbacks run', async () => {
    expect(await valueOf('Promise.resolve(5)')).toBe('Promise { 5 }')
    expect(await valueOf('new Promise(() => {})')).toBe('Promise { <pending> }')
    expect(await valueOf('Promise.reject(new Error("no"))')).toBe('Promise { <rejected> [Error: no] }')
    expect(await run('Promise.resolve(5).then(console.log); console.log("first"); 1')).toMatchObject({ ok: true, value: '1', logs: [{ text: 'first' }, { text: '5' }] })
  })

  it('supports top-level await, showing the value of the last line', async () => {
    expect(await run('const x = await Promise.resolve(21)\nconsole.log("got", x)\nx * 2')).toEqual({ ok: true, logs: [{ level: 'log', text: 'got 21' }], value: '42' })
    expect(await valueOf('const x = await Promise.resolve(3); x + 1')).toBe('4')
    expect(await valueOf('for (const n of [1, 2]) await n')).toBeUndefined()
    expect(await valueOf('let done = await Promise.resolve("yes");')).toBeUndefined()
  })

  it('keeps an expression that continues the line before it whole under top-level await', async () => {
    expect(await valueOf('const xs = [await 1, 2]\n  .map(n => n * 10)\nxs')).toBe('[ 10, 20 ]')
  })

  it('reports a rejected top-level await as the error, and one that can never settle', async () => {
    expect(await run('console.log("before"); await Promise.reject(new RangeError("nope"))')).toEqual({ ok: false, logs: [{ level: 'log', text: 'before' }], error: 'RangeError: nope' })
    expect((await run('await new Promise(() => {})')).error).toMatch(/^Top-level await never finished/)
  })

  it('stops top-level await code at the time limit', async () => {
    expect(await run('await 1; while (true) {}')).toMatchObject({ ok: false, limit: 'time' })
  })

  it('reports a syntax error in code with await as it is, and says modules are not supported', async () => {
    expect((await run('await (1 +')).error).toMatch(/^SyntaxError/)
    expect((await run('import fs from "fs"\nfs')).error).toMatch(/^SyntaxError: .*import and export are not supported/)
  })

  it('reports a thrown value that is not an error as uncaught', async () => {
    expect((await run('throw "boom"')).error).toBe('Uncaught \'boom\'')
    expect((await run('throw { code: 42 }')).error).toBe('Uncaught { code: 42 }')
  })

  it('still shows a value whose display throws', async () => {
    const outcome = await run('new Proxy({}, { ownKeys() { throw new Error("trap") } })')
    expect(outcome).toEqual({ ok: true, logs: [], value: '[the value could not be shown: Error: trap]' })
  })
})

describe('crashOutcome', () => {
  it('calls a worker out of heap a memory limit, and anything else a crash', () => {
    expect(crashOutcome(Object.assign(new Error('heap'), { code: 'ERR_WORKER_OUT_OF_MEMORY' }))).toMatchObject({ limit: 'memory' })
    expect(crashOutcome(new Error('bad'))).toEqual({ ok: false, logs: [], error: 'Sandbox crashed: bad' })
  })
})

describe('formatRunOutput', () => {
  it('prints log and info plainly, other levels tagged, then the value', () => {
    expect(formatRunOutput({
      ok: true,
      logs: [{ level: 'log', text: 'a' }, { level: 'info', text: 'b' }, { level: 'warn', text: 'c' }, { level: 'error', text: 'd' }],
      value: '42',
    })).toBe('a\nb\n[warn] c\n[error] d\n=> 42')
  })

  it('is empty without output or value', () => {
    expect(formatRunOutput({ ok: true, logs: [] })).toBe('')
  })

  it('says when the output reached the sandbox\'s limits and when the value was cut', () => {
    const logs = Array.from({ length: RUN_LIMITS.maxLogLines }, () => ({ level: 'log', text: 'x' }))
    expect(formatRunOutput({ ok: true, logs })).toContain(`… [output limit reached: the sandbox keeps the first ${RUN_LIMITS.maxLogLines} lines and 20,000 characters]`)
    const long = formatRunOutput({ ok: true, logs: [{ level: 'log', text: 'y'.repeat(RUN_LIMITS.maxLogChars) }], value: 'v'.repeat(RUN_LIMITS.maxValueChars) })
    expect(long).toContain('output limit reached')
    expect(long.endsWith('\n… [value cut at 10,000 characters]')).toBe(true)
  })
})

describe('the run-code task kind', () => {
  it('is registered as run-code, titled by its first line', () => {
    expect(runCodeKind.kind).toBe('run-code')
    expect(runCodeKind.title({ code: '  console.log(1)\nmore()' })).toBe('Run console.log(1)')
    expect(runCodeKind.title({ code: '\nx()' })).toBe('Run code')
    expect(runCodeKind.timeoutMs).toBeGreaterThan(RUN_LIMITS.timeMs)
  })

  it('validates its input', () => {
    expect(runCodeKind.input.safeParse({ code: '' }).success).toBe(false)
    expect(runCodeKind.input.safeParse({ code: 'x'.repeat(20_001) }).success).toBe(false)
    expect(runCodeKind.input.safeParse({ code: '1' }).success).toBe(true)
  })

  it('returns the output as a text block, with the logs and the value', async () => {
    const ctx = context()
    const result = await runCodeKind.run({ code: 'console.log("hello sandbox"); 6 * 7' }, ctx)
    expect(result.text).toContain('hello sandbox')
    expect(result.text).toContain('=> 42')
    expect(result.text.startsWith('```text\n')).toBe(true)
    expect(result).toMatchObject({ value: '42', logs: [{ level: 'log', text: 'hello sandbox' }] })
    expect(ctx.reported.length).toBeGreaterThan(0)
  })

  it('says so when there is no output', async () => {
    const result = await runCodeKind.run({ code: 'let quiet = 1' }, context())
    expect(result.text).toBe('_No output._')
    expect(result).not.toHaveProperty('value')
  })

  it('fails with script_error, the error message and the output before it', async () => {
    const error = await runFailure('console.log("step 1"); null.x')
    expect(error.code).toBe('script_error')
    expect(error.message).toMatch(/^TypeError/)
    expect(error.message).toContain('Output before the error:\nstep 1')
  })

  it('shows the start of a huge output and of a huge error, saying how long they were', async () => {
    const result = await runCodeKind.run({ code: 'for (let i = 0; i < 10; i++) console.log(String(i).repeat(5000))' }, context())
    expect(result.text.length).toBeLessThan(8_200)
    expect(result.text).toMatch(/… \[output cut at 8,000 characters; [\d,]+ in all\]\n```$/)
    const error = await runFailure('console.log("before"); throw new Error("e".repeat(1e6))')
    expect(error.code).toBe('script_error')
    expect(error.message).toContain('… [error cut at 4,000 characters; 1,000,007 in all]')
    expect(error.message).toContain('Output before the error:\nbefore')
    expect(error.message.length).toBeLessThan(4_200)
  })

  it('fails with memory_limit for a memory hog', async () => {
    const error = await runFailure('new Array(1e8).fill(0)')
    expect(error.code).toBe('memory_limit')
    expect(error.message).toContain(`Memory limit of ${RUN_LIMITS.memoryBytes / 1024 / 1024} MB exceeded`)
  })

  it('fails with memory_limit for a string that doubles without end, saying why', async () => {
    const error = await runFailure('let s = "x"; while (true) s += s')
    expect(error.code).toBe('memory_limit')
    expect(error.message).toBe(`Memory limit of ${RUN_LIMITS.memoryBytes / 1024 / 1024} MB exceeded (a string grew past the longest the sandbox allows)`)
  })

  it('fails with time_limit for an endless loop', async () => {
    const error = await runFailure('while (true) {}')
    expect(error.code).toBe('time_limit')
    expect(error.message).toContain(`Time limit of ${RUN_LIMITS.timeMs / 1000} s exceeded`)
  }, 15_000)

  it('rejects when the task is cancelled', async () => {
    const controller = new AbortController()
    const pending = runCodeKind.run({ code: 'while (true) {}' }, context(controller.signal))
    controller.abort(new Error('cancelled'))
    await expect(pending).rejects.toThrow('cancelled')
  })
})
