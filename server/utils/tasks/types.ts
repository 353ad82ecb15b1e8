// What a task kind is: a zod input, a runner with progress and a time limit.
import type { z } from 'zod'
import type { TaskResult } from '#shared/protocol'

export interface TaskContext {
  signal: AbortSignal
  /** 0..1; reported to the task panel (throttled). */
  progress: (value: number) => void
  /** The conversation of the task's topic, oldest first. */
  loadConversation: () => Promise<{ role: 'user' | 'assistant', content: string }[]>
}

/** A failure the runner expects (bad expression, script error): shown to the person as is. */
export class TaskFailure extends Error {
  constructor(public readonly code: string, message: string) {
    super(message)
    this.name = 'TaskFailure'
  }
}

export interface TaskKind<S extends z.ZodType = z.ZodType> {
  kind: string
  /** For people and for models that call the task as a tool. */
  description: string
  input: S
  timeoutMs: number
  title: (input: z.infer<S>) => string
  run: (input: z.infer<S>, ctx: TaskContext) => Promise<TaskResult>
}

export function defineTaskKind<S extends z.ZodType>(kind: TaskKind<S>): TaskKind<S> {
  return kind
}

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
