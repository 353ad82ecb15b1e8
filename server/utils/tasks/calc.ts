// `/calc`: mathjs with the functions that could reach outside the expression switched off.
import { all, create, type MathJsInstance } from 'mathjs'
import { z } from 'zod'
import { defineTaskKind, TaskFailure, truncate } from './types'

type Evaluate = (expression: string) => unknown

function sandboxedMath(): Evaluate {
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
  return expression => evaluate(expression, {})
}

let evaluate: Evaluate | undefined
let formatter: MathJsInstance['format'] | undefined

export function calculate(expression: string): string {
  evaluate ??= sandboxedMath()
  formatter ??= create(all).format
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
  return formatter(last, { precision: 14 })
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
