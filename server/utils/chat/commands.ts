// Slash commands answer like an agent whose only move is to run the task and report its outcome.
import type { SlashCommand } from '#shared/commands'
import { failureText, planRunner } from '../agents/builtin/plan'
import type { AgentRuntime } from '../agents/types'
import { useConfig } from '../config'

const labels: Record<SlashCommand['kind'], string> = {
  'calc': 'Calculating',
  'run-code': 'Running your code',
  'summarize': 'Summarising this topic',
}

export function commandAgent(command: SlashCommand | { error: string }): AgentRuntime {
  const steps = 'error' in command
    ? [{ say: command.error }]
    : [
        { say: `${labels[command.kind]}… (see the task panel)\n\n` },
        { tool: command.kind, input: command.input, render: (o: Parameters<typeof failureText>[0]) => (o.status === 'completed' ? o.result!.text : failureText(o)) },
      ]
  return {
    info: { id: 'command', name: 'Command', description: 'Slash commands', provider: 'builtin', model: 'command' },
    tools: ['calc', 'run-code', 'summarize'],
    reply: planRunner(() => steps, () => Math.min(useConfig().BUILTIN_WORD_DELAY_MS, 15)),
  }
}
