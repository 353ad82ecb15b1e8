// The registry of task kinds. Adding one: write a file like calc.ts and list it here.
import calc from './calc'
import runCode from './run-code'
import summarize from './summarize'
import type { TaskKind } from './types'

export const taskKinds: Record<string, TaskKind> = Object.fromEntries(
  [calc, runCode, summarize].map(kind => [kind.kind, kind as unknown as TaskKind]),
)

export function getTaskKind(kind: string): TaskKind | undefined {
  return Object.hasOwn(taskKinds, kind) ? taskKinds[kind] : undefined
}
