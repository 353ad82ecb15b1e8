// `/calc`: mathjs with the functions that could reach outside the expression switched off.
import { all, create, type MathJsInstance } from 'mathjs'
import { z } from 'zod'
import { defineTaskKind, TaskFailure, truncate } from './types'

type Evaluate = (expression: string) => unknown

function sandboxedMath(): { math: MathJsInstance, evaluate: Evaluate } {
  const math = create(all)
  const evaluate = math.evaluate
  const disabled = (name: string) => () => {
    throw new Error(`Function ${name} is disabled`)
  }
  math.import({
    import: disabled('import'),
    createUnit: disabled('createUnit'),
    evaluate: disabled('evaluate'),
    parse: disabled('parse'),
    simplify: disabled('simplify'),
    derivative: disabled('derivative'),
    resolve: disabled('resolve'),
    reviver: disabled('reviver'),
  }, { override: true })
  return { math, evaluate: expression => evaluate(expression, {}) }
}

let sandbox: ReturnType<typeof sandboxedMath> | undefined

// How a result reads. Measurements (values with units) get 6 significant digits: "9.32057 miles",
// not a conversion factor's 14. Integers up to 2^53 are exact ("1125899906842624"); larger ones
// as JavaScript holds them ("1.8446744073709552e+19"), since their last digits are not known.
// Other numbers, and matrices, complex numbers and fractions, get 14 significant digits, which
// hides binary floating point noise (0.1 + 0.2 = 0.3).
const UNIT_PRECISION = 6
const NUMBER_PRECISION = 14

/** The text of a calculation's value; pure, so that it can run wherever the evaluation runs. */
export function formatResult(value: unknown): string {
  const { math } = sandbox ??= sandboxedMath()
  if (math.isUnit(value)) return value.format({ precision: UNIT_PRECISION })
  if (typeof value === 'number' && Number.isInteger(value)) {
    return Number.isSafeInteger(value) ? String(value) : math.format(value)
  }
  if (math.isBigNumber(value) && value.isInteger() && value.abs().lt(1e64)) return value.toFixed(0)
  return math.format(value, { precision: NUMBER_PRECISION })
}

export function calculate(expression: string): string {
  const { evaluate } = sandbox ??= sandboxedMath()
  let value: unknown
  try {
    value = evaluate(expression)
  }
  catch (error) {
    throw new TaskFailure('invalid_expression', `Cannot evaluate "${truncate(expression, 80)}": ${(error as Error).message}`)
  }
  // Several expressions (`a = 2; a * 3`) give a ResultSet: the last value is the answer.
  const entries = (value as { entries?: unknown[] })?.entries
  const last = Array.isArray(entries) ? entries.at(-1) : value
  if (typeof last === 'function' || last === undefined) {
    throw new TaskFailure('invalid_expression', `"${truncate(expression, 80)}" does not give a value`)
  }
  return formatResult(last)
}

export default defineTaskKind({
  kind: 'calc',
  description: 'Evaluate a math expression exactly (mathjs syntax: arithmetic, units, matrices, functions like sqrt, sin, log).',
  input: z.object({ expression: z.string().trim().min(1).max(1000).describe('The expression, e.g. "2 * (3 + 4)" or "5 km to mile"') }),
  timeoutMs: 5_000,
  title: input => `Calculate ${truncate(input.expression, 60)}`,
  async run(input, ctx) {
    ctx.progress(0.5)
    const value = calculate(input.expression)
    return { text: `\`${input.expression}\` = **${value}**`, expression: input.expression, value }
  },
})
