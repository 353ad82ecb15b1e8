// Writes the frame reference of docs/protocol.md from the zod schemas in shared/protocol.ts.
// tests/unit/protocol-doc.test.ts fails when the document is out of date (UPDATE_DOCS=1 rewrites it).
import { z } from 'zod'
import { clientPayloads, LIMITS, serverPayloads } from '../shared/protocol'

interface JsonSchema {
  type?: string
  enum?: unknown[]
  anyOf?: JsonSchema[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  additionalProperties?: unknown
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
}

function range(min?: number, max?: number): string {
  const big = (n?: number) => n === undefined || Math.abs(n) >= Number.MAX_SAFE_INTEGER
  if (big(min) && big(max)) return ''
  return ` (${big(min) ? '' : min}..${big(max) ? '' : max})`
}

/** A JSON schema as a short TypeScript-like shape. */
export function shape(schema: JsonSchema, indent = ''): string {
  if (schema.anyOf) return schema.anyOf.map(s => shape(s, indent)).join(' | ')
  if (schema.enum) return schema.enum.map(v => JSON.stringify(v)).join(' | ')
  switch (schema.type) {
    case 'string': return `string${range(schema.minLength, schema.maxLength)}`
    case 'integer': return `integer${range(schema.minimum, schema.maximum)}`
    case 'number': return `number${range(schema.minimum, schema.maximum)}`
    case 'array': return `${shape(schema.items ?? {}, indent)}[]`
    case 'object': {
      const entries = Object.entries(schema.properties ?? {})
      if (!entries.length) return schema.additionalProperties ? 'object' : '{}'
      const inner = `${indent}  `
      const lines = entries.map(([key, value]) => `${inner}${key}${schema.required?.includes(key) ? '' : '?'}: ${shape(value, inner)}`)
      return `{\n${lines.join('\n')}\n${indent}}`
    }
    default: return schema.type ?? 'unknown'
  }
}

function section(payloads: Record<string, z.ZodType>): string {
  return Object.entries(payloads).map(([type, schema]) => {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema
    return `### \`${type}\`\n\n\`\`\`ts\n${shape(json)}\n\`\`\``
  }).join('\n\n')
}

export function frameReference(): string {
  return [
    '<!-- generated from shared/protocol.ts by scripts/protocol-doc.ts: do not edit below this line -->',
    `Limits: a frame is at most ${LIMITS.frameBytes} bytes; message text is 1..${LIMITS.messageChars} characters; a history page is 1..${LIMITS.historyPageMax} messages (default ${LIMITS.historyPage}).`,
    '## Client to server payloads',
    section(clientPayloads),
    '## Server to client payloads',
    section(serverPayloads),
  ].join('\n\n') + '\n'
}
