// `/calc`: mathjs in a worker thread (calc/), so that an expression that takes exponential time or
// a huge matrix blocks neither the socket nor other replies: the worker is killed at the time
// limit, and its own heap limit stops a calculation that grows too big. The worker is locked down
// (calc/math.ts) and gives every expression a fresh scope, so one user's expression cannot change
// another's result.
import { z } from 'zod'
import { cutNote } from '../caps'
import { useConfig } from '../config'
import { calcWorkerSource } from './calc/worker-source'
import { packageFileUrl } from './package-url'
import { defineTaskKind, TaskFailure, truncate } from './types'
import { WorkerPool, type JobEnd } from './worker-pool'

export const CALC_LIMITS = {
  timeMs: 5_000,
  // The worker's V8 heap; mathjs itself takes about 60 MB of it.
  heapMb: 160,
}

type CalcReply
  = | { ok: true, value: string, length: number, tainted: boolean }
    | { ok: false, error?: string, noValue?: boolean, tainted: boolean }

// Started by the first /calc (loading mathjs takes about a second, several on a busy machine), then
// kept warm.
const CALC_START_MS = 10_000
const pool = new WorkerPool<{ expression: string, maxChars: number }, CalcReply>({
  source: calcWorkerSource,
  workerData: () => ({ moduleUrl: packageFileUrl('mathjs', 'lib/esm/index.js') }),
  resourceLimits: { maxOldGenerationSizeMb: CALC_LIMITS.heapMb, maxYoungGenerationSizeMb: 16 },
  idle: 1,
  reusable: reply => !reply.tainted,
  startMs: CALC_START_MS,
})

function stopped(end: Extract<JobEnd<CalcReply>, { ok: false }>, signal: AbortSignal): Error {
  if (end.reason === 'aborted') return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason ?? 'aborted'))
  if (end.reason === 'time') return new TaskFailure('time_limit', `The calculation took longer than ${CALC_LIMITS.timeMs / 1000} s and was stopped`)
  if (end.reason === 'memory') return new TaskFailure('memory_limit', `The calculation needed more memory than a calculation may use (${CALC_LIMITS.heapMb} MB) and was stopped`)
  console.error('[calc] the worker failed', end.error)
  return new TaskFailure('internal', 'The calculator failed unexpectedly')
}

/**
 * The text of the expression's value, cut (visibly) at TASK_OUTPUT_MAX_CHARS less room for the
 * expression, so that the task's text holds it whole. Rejects with a TaskFailure.
 */
export async function calculate(expression: string, signal: AbortSignal = new AbortController().signal): Promise<string> {
  const maxChars = Math.max(100, useConfig().TASK_OUTPUT_MAX_CHARS - 1_100)
  const end = await pool.run({ expression, maxChars }, signal, CALC_LIMITS.timeMs)
  if (!end.ok) throw stopped(end, signal)
  const reply = end.reply
  if (reply.ok) return reply.length > reply.value.length ? `${reply.value}\n${cutNote('value', maxChars, reply.length)}` : reply.value
  if (reply.noValue) throw new TaskFailure('invalid_expression', `"${truncate(expression, 80)}" does not give a value`)
  throw new TaskFailure('invalid_expression', `Cannot evaluate "${truncate(expression, 80)}": ${reply.error}`)
}

export default defineTaskKind({
  kind: 'calc',
  description: 'Evaluate a math expression exactly (mathjs syntax: arithmetic, units, matrices, functions like sqrt, sin, log).',
  input: z.object({ expression: z.string().trim().min(1).max(1000).describe('The expression, e.g. "2 * (3 + 4)" or "5 km to mile"') }),
  // The worker's own limit comes first, with its clearer message; it counts from the worker being
  // ready, so this one also leaves room for a first start (loading mathjs).
  timeoutMs: CALC_LIMITS.timeMs + CALC_START_MS + 2_000,
  title: input => `Calculate ${truncate(input.expression, 60)}`,
  async run(input, ctx) {
    ctx.progress(0.5)
    const value = await calculate(input.expression, ctx.signal)
    return { text: `\`${input.expression}\` = **${value}**`, expression: input.expression, value }
  },
})
