import { describe, expect, it } from 'vitest'
import { bignumber, fraction, matrix, unit } from 'mathjs'
import calcKind, { calculate, formatResult } from '../../server/utils/tasks/calc'
import { TaskFailure, type TaskContext } from '../../server/utils/tasks/types'

function failure(expression: string): TaskFailure {
  try {
    calculate(expression)
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
  ])('evaluates %s = %s', (expression, value) => {
    expect(calculate(expression)).toBe(value)
  })

  it('hides binary floating point noise', () => {
    expect(calculate('0.1 + 0.2')).toBe('0.3')
    expect(calculate('1 / 3')).toBe('0.33333333333333')
  })

  it('converts units, showing 6 significant digits', () => {
    expect(calculate('5 km to mile')).toBe('3.10686 mile')
    expect(calculate('5 km/h * 3 hours to miles')).toBe('9.32057 miles')
    expect(calculate('100 degF to degC')).toBe('37.7778 degC')
    expect(calculate('100 cm to m')).toBe('1 m')
  })

  it('keeps integers exact up to 2^53, and shows larger ones as JavaScript holds them', () => {
    expect(calculate('2^50')).toBe('1125899906842624')
    expect(calculate('1e15')).toBe('1000000000000000')
    expect(calculate('-2^40')).toBe('-1099511627776')
    expect(calculate('2^64')).toBe('1.8446744073709552e+19')
  })

  it('keeps 14 significant digits for plain fractional numbers', () => {
    expect(calculate('9.3205679204166')).toBe('9.3205679204166')
    expect(calculate('2 / 3')).toBe('0.66666666666667')
  })

  it('returns the value of the last statement when there are several', () => {
    expect(calculate('a = 2; a * 3')).toBe('6')
    expect(calculate('a = 2\nb = 5\na * b')).toBe('10')
  })

  it('does not keep variables from one calculation to the next', () => {
    calculate('leak = 41')
    expect(failure('leak + 1').code).toBe('invalid_expression')
  })

  it.each(['2 +', 'undefinedThing * 2', '(1 + 2', 'hello world'])('fails on %j with invalid_expression quoting it', (expression) => {
    const error = failure(expression)
    expect(error.code).toBe('invalid_expression')
    expect(error.message).toContain(expression)
  })

  it('fails when the expression gives no value (a function definition)', () => {
    const error = failure('f(x) = x^2')
    expect(error.code).toBe('invalid_expression')
    expect(error.message).toMatch(/does not give a value/)
  })

  it('truncates a very long expression in the failure message', () => {
    const expression = `${'1 + '.repeat(100)}`
    const error = failure(expression)
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
  ])('refuses the disabled function %s', (name, expression) => {
    const error = failure(expression)
    expect(error.code).toBe('invalid_expression')
    expect(error.message).toContain(`Function ${name} is disabled`)
  })

  it('still works after a disabled function was refused', () => {
    failure('import({}, {})')
    expect(calculate('1 + 1')).toBe('2')
  })
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
    expect(formatResult(value)).toBe(text)
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
