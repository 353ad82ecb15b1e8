import { describe, expect, it } from 'vitest'
import * as mathjs from 'mathjs'
import calcKind, { CALC_LIMITS, calculate } from '../../server/utils/tasks/calc'
import { formatResult } from '../../server/utils/tasks/calc/math'
import { TaskFailure, type TaskContext } from '../../server/utils/tasks/types'

const { bignumber, fraction, matrix, unit } = mathjs

async function failure(expression: string, signal?: AbortSignal): Promise<TaskFailure> {
  try {
    await calculate(expression, signal)
  }
  catch (error) {
    if (error instanceof TaskFailure) return error
    throw error
  }
  throw new Error(`expected "${expression}" to fail`)
}

describe('calculate', () => {
  it.each([
    ['2 * (3 + 4)', '14'],
    ['2^10', '1024'],
    ['sqrt(16) + 1', '5'],
    ['10 / 4', '2.5'],
    ['-3 - 4', '-7'],
  ])('evaluates %s = %s', async (expression, value) => {
    expect(await calculate(expression)).toBe(value)
  })

  it('hides binary floating point noise', async () => {
    expect(await calculate('0.1 + 0.2')).toBe('0.3')
    expect(await calculate('1 / 3')).toBe('0.33333333333333')
  })

  it('converts units, showing 6 significant digits', async () => {
    expect(await calculate('5 km to mile')).toBe('3.10686 mile')
    expect(await calculate('5 km/h * 3 hours to miles')).toBe('9.32057 miles')
    expect(await calculate('100 degF to degC')).toBe('37.7778 degC')
    expect(await calculate('100 cm to m')).toBe('1 m')
  })

  it('keeps integers exact up to 2^53, and shows larger ones as JavaScript holds them', async () => {
    expect(await calculate('2^50')).toBe('1125899906842624')
    expect(await calculate('1e15')).toBe('1000000000000000')
    expect(await calculate('-2^40')).toBe('-1099511627776')
    expect(await calculate('2^64')).toBe('1.8446744073709552e+19')
  })

  it('keeps 14 significant digits for plain fractional numbers', async () => {
    expect(await calculate('9.3205679204166')).toBe('9.3205679204166')
    expect(await calculate('2 / 3')).toBe('0.66666666666667')
  })

  it('returns the value of the last statement when there are several', async () => {
    expect(await calculate('a = 2; a * 3')).toBe('6')
    expect(await calculate('a = 2\nb = 5\na * b')).toBe('10')
  })

  it('does not keep variables from one calculation to the next', async () => {
    await calculate('leak = 41')
    expect((await failure('leak + 1')).code).toBe('invalid_expression')
  })

  it.each(['2 +', 'undefinedThing * 2', '(1 + 2', 'hello world'])('fails on %j with invalid_expression quoting it', async (expression) => {
    const error = await failure(expression)
    expect(error.code).toBe('invalid_expression')
    expect(error.message).toContain(expression)
  })

  it('fails when the expression gives no value (a function definition)', async () => {
    const error = await failure('f(x) = x^2')
    expect(error.code).toBe('invalid_expression')
    expect(error.message).toMatch(/does not give a value/)
  })

  it('truncates a very long expression in the failure message', async () => {
    const expression = `${'1 + '.repeat(100)}`
    const error = await failure(expression)
    expect(error.message.length).toBeLessThan(200)
    expect(error.message).toContain('…')
  })

  it.each([
    ['import', 'import({evil: 1}, {override: true})'],
    ['evaluate', 'evaluate("1 + 1")'],
    ['parse', 'parse("1 + 1")'],
    ['createUnit', 'createUnit("foo")'],
    ['simplify', 'simplify("x + x")'],
    ['derivative', 'derivative("x^2", "x")'],
    ['resolve', 'resolve("x", {})'],
    ['config', 'config({number: "BigNumber", precision: 5})'],
    ['typed', 'typed("f", {"number": f(x) = x})'],
    ['compile', 'compile("1 + 1")'],
    ['parser', 'parser()'],
    ['rationalize', 'rationalize("1/x")'],
    ['simplifyCore', 'simplifyCore("x + 0")'],
    ['reviver', 'reviver("a", 1)'],
  ])('refuses the disabled function %s', async (name, expression) => {
    const error = await failure(expression)
    expect(error.code).toBe('invalid_expression')
    expect(error.message).toContain(`Function ${name} is disabled`)
  })

  it('still works after a disabled function was refused', async () => {
    await failure('import({}, {})')
    expect(await calculate('1 + 1')).toBe('2')
  })
})

describe('calculate: isolation between calculations', () => {
  it.each([
    ['the number type and precision', 'config({number: "BigNumber", precision: 5})'],
    ['the units', 'createUnit("foo", "2 m")'],
    ['the functions', 'import({sqrt: f(x) = 42}, {override: true})'],
    ['the typed-function conversions', 'typed.clear()'],
    ['the parser', 'parser().evaluate("config({number: \\"Fraction\\"})")'],
    ['a shared constant', 'speedOfLight.value = 1'],
  ])('an expression cannot change %s for later calculations', async (_what, attack) => {
    expect((await failure(attack)).code).toBe('invalid_expression')
    expect(await calculate('1 / 3')).toBe('0.33333333333333')
    expect(await calculate('sqrt(16) * 5 m to cm')).toBe('2000 cm')
    expect(await calculate('speedOfLight')).toBe('2.99792e+8 m / s')
    expect(await calculate('fraction(1, 3) + 1/6')).toBe('1/2')
  })
})

describe('calculate: limits', () => {
  /** The longest gap between ticks of a 10 ms interval while `work` runs: how long the event loop was blocked. */
  async function loopBlockedMs<T>(work: Promise<T>): Promise<number> {
    let last = performance.now()
    let worst = 0
    const timer = setInterval(() => {
      const now = performance.now()
      worst = Math.max(worst, now - last)
      last = now
    }, 10)
    await work.catch(() => {})
    clearInterval(timer)
    return worst
  }

  it('stops an exponential calculation at its time limit, without blocking the event loop', async () => {
    await calculate('1 + 1')
    const started = performance.now()
    const attempt = failure('f(n) = n < 2 ? n : f(n-1) + f(n-2); f(40)')
    expect(await loopBlockedMs(attempt)).toBeLessThan(200)
    const error = await attempt
    const elapsed = performance.now() - started
    expect(error.code).toBe('time_limit')
    expect(error.message).toBe(`The calculation took longer than ${CALC_LIMITS.timeMs / 1000} s and was stopped`)
    expect(elapsed).toBeGreaterThanOrEqual(CALC_LIMITS.timeMs - 50)
    expect(elapsed).toBeLessThan(CALC_LIMITS.timeMs + 1_000)
    // A fresh worker takes over.
    expect(await calculate('2 + 2')).toBe('4')
  }, 20_000)

  it.each([
    ['a huge matrix', 'zeros(20000, 20000)'],
    ['a huge range', 'size(range(1, 1e9))'],
  ])('stops %s at the worker\'s memory limit, as memory_limit', async (_what, expression) => {
    const started = performance.now()
    const attempt = failure(expression)
    expect(await loopBlockedMs(attempt)).toBeLessThan(200)
    const error = await attempt
    expect(error.code).toBe('memory_limit')
    expect(error.message).toMatch(/more memory than a calculation may use/)
    expect(performance.now() - started).toBeLessThan(CALC_LIMITS.timeMs + 1_000)
    expect(await calculate('3 + 3')).toBe('6')
  }, 20_000)

  it('stops at once when cancelled, rejecting with the reason', async () => {
    await calculate('1 + 1')
    const controller = new AbortController()
    const attempt = calculate('f(n) = n < 2 ? n : f(n-1) + f(n-2); f(40)', controller.signal)
    setTimeout(() => controller.abort(new Error('cancelled')), 100)
    const started = performance.now()
    await expect(attempt).rejects.toThrow('cancelled')
    expect(performance.now() - started).toBeLessThan(500)
  }, 20_000)

  it('cuts a huge value, saying how long it was', async () => {
    const value = await calculate('range(1, 100000)')
    expect(value.length).toBeLessThan(16_000)
    expect(value).toMatch(/^\[1, 2, 3, /)
    expect(value).toMatch(/\n… \[value cut at 14,900 characters; [\d,]+ in all\]$/)
  }, 20_000)
})

describe('formatResult', () => {
  it.each<[string, unknown, string]>([
    ['a unit', unit(9.3205679204166, 'mile'), '9.32057 mile'],
    ['a safe integer', 2 ** 52, '4503599627370496'],
    ['an unsafe integer', 2 ** 70, '1.1805916207174113e+21'],
    ['a float with binary noise', 0.1 + 0.2, '0.3'],
    ['an exact big integer', bignumber(2).pow(100), '1267650600228229401496703205376'],
    ['a fractional big number', bignumber(1).div(3), '0.33333333333333'],
    ['a fraction', fraction(1, 3), '1/3'],
    ['a matrix', matrix([1 / 3, 2]), '[0.33333333333333, 2]'],
    ['a boolean', true, 'true'],
  ])('formats %s', (_name, value, text) => {
    expect(formatResult(value, mathjs)).toBe(text)
  })
})

describe('the calc task kind', () => {
  it('is registered as calc with a title naming the expression', () => {
    expect(calcKind.kind).toBe('calc')
    expect(calcKind.title({ expression: '2 + 2' })).toBe('Calculate 2 + 2')
    const title = calcKind.title({ expression: 'x'.repeat(100) })
    expect(title).toHaveLength('Calculate '.length + 60)
    expect(title.endsWith('…')).toBe(true)
  })

  it('validates its input: a non-empty expression up to 1000 characters, trimmed', () => {
    expect(calcKind.input.parse({ expression: '  1 + 1 ' })).toEqual({ expression: '1 + 1' })
    expect(calcKind.input.safeParse({ expression: '   ' }).success).toBe(false)
    expect(calcKind.input.safeParse({}).success).toBe(false)
    expect(calcKind.input.safeParse({ expression: 'x'.repeat(1001) }).success).toBe(false)
  })

  it('runs: reports progress and returns text, expression and value', async () => {
    const progress: number[] = []
    const ctx: TaskContext = { signal: new AbortController().signal, progress: v => progress.push(v), loadConversation: async () => [] }
    const result = await calcKind.run({ expression: '6 * 7' }, ctx)
    expect(result).toEqual({ text: '`6 * 7` = **42**', expression: '6 * 7', value: '42' })
    expect(progress.length).toBeGreaterThan(0)
    expect(progress.every(v => v >= 0 && v <= 1)).toBe(true)
  })

  it('runs: an invalid expression rejects with a TaskFailure', async () => {
    const ctx: TaskContext = { signal: new AbortController().signal, progress: () => {}, loadConversation: async () => [] }
    await expect(calcKind.run({ expression: '2 +' }, ctx)).rejects.toMatchObject({ name: 'TaskFailure', code: 'invalid_expression' })
  })
})
