import { describe, expect, it } from 'vitest'
import runCodeKind, { formatRunOutput, RUN_LIMITS, runInSandbox } from '../../server/utils/tasks/run-code'
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
      { level: 'log', text: 'a 1 {"b":2}' },
      { level: 'info', text: 'i' },
      { level: 'warn', text: 'w' },
      { level: 'error', text: 'e' },
      { level: 'debug', text: 'd' },
    ])
  })

  it('returns the value of the last expression', async () => {
    expect((await run('const xs = [1, 2, 3].map(n => n * n); xs.reduce((a, b) => a + b)')).value).toBe('14')
    expect((await run('({a: [1, "two"]})')).value).toBe('{"a":[1,"two"]}')
    expect((await run('"plain " + "string"')).value).toBe('plain string')
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
    expect(outcome.value).toBe('undefined,undefined,undefined,undefined')
  })

  it('stops an endless loop with limit "time" within the time limit plus slack', async () => {
    const started = Date.now()
    const outcome = await run('while (true) {}')
    const elapsed = Date.now() - started
    expect(outcome).toMatchObject({ ok: false, limit: 'time' })
    expect(elapsed).toBeGreaterThanOrEqual(FAST.timeMs - 50)
    expect(elapsed).toBeLessThan(FAST.timeMs + 2_000)
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

  it('fails with memory_limit for a memory hog', async () => {
    const error = await runFailure('new Array(1e8).fill(0)')
    expect(error.code).toBe('memory_limit')
    expect(error.message).toContain(`Memory limit of ${RUN_LIMITS.memoryBytes / 1024 / 1024} MB exceeded`)
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
