// The two functions of /calc that run inside its worker thread (worker-source.ts embeds their
// source text): how mathjs is locked down, and how a value reads. Each must stay self-contained:
// no imports and no names from outside its own body, only its parameters and JavaScript's globals.
import type { MathJsInstance } from 'mathjs'

export type Evaluate = (expression: string) => unknown

/**
 * Switches off what an expression could use to change the instance for later expressions or to
 * parse and run text of its own (mathjs docs, "Expression security"), and returns an evaluate
 * that gives every expression a fresh scope.
 */
export function lockDown(math: MathJsInstance): Evaluate {
  const evaluate = math.evaluate
  // mathjs creates most functions on first use, from the namespace as it is then: create them all
  // now, so that none is ever built on top of a disabled one.
  for (const name of Object.keys(math)) void math[name as keyof MathJsInstance]
  const disabled: Record<string, () => never> = {}
  for (const name of ['import', 'createUnit', 'config', 'evaluate', 'parse', 'compile', 'parser', 'chain', 'simplify', 'simplifyConstant', 'simplifyCore', 'derivative', 'resolve', 'rationalize', 'symbolicEqual', 'leafCount', 'reviver', 'replacer']) {
    disabled[name] = () => {
      throw new Error(`Function ${name} is disabled`)
    }
  }
  math.import(disabled, { override: true })
  // `typed` is what every function is built with: replacing it in the namespace breaks mathjs, so
  // each evaluation's scope hides it instead (its methods, like typed.clear(), would break mathjs too).
  const hidden: [string, unknown][] = [['typed', () => {
    throw new Error('Function typed is disabled')
  }]]
  return expression => evaluate(expression, new Map(hidden))
}

/**
 * The text of a calculation's value. Measurements (values with units) get 6 significant digits:
 * "9.32057 miles", not a conversion factor's 14. Integers up to 2^53 are exact
 * ("1125899906842624"); larger ones as JavaScript holds them ("1.8446744073709552e+19"), since
 * their last digits are not known. Other numbers, and matrices, complex numbers and fractions,
 * get 14 significant digits, which hides binary floating point noise (0.1 + 0.2 = 0.3).
 */
export function formatResult(value: unknown, math: Pick<MathJsInstance, 'isUnit' | 'isBigNumber' | 'format'>): string {
  if (math.isUnit(value)) return value.format({ precision: 6 })
  if (typeof value === 'number' && Number.isInteger(value)) {
    return Number.isSafeInteger(value) ? String(value) : math.format(value)
  }
  if (math.isBigNumber(value) && value.isInteger() && value.abs().lt(1e64)) return value.toFixed(0)
  return math.format(value, { precision: 14 })
}
