import { readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { frameReference, shape } from '../../scripts/protocol-doc'

const DOC = new URL('../../docs/protocol.md', import.meta.url)
const MARK = '<!-- generated from shared/protocol.ts'

describe('docs/protocol.md', () => {
  it('renders JSON schemas as readable shapes', () => {
    expect(shape({ type: 'object', properties: { a: { type: 'string', minLength: 1, maxLength: 5 }, b: { anyOf: [{ type: 'string' }, { type: 'null' }] } }, required: ['a'] }))
      .toBe('{\n  a: string (1..5)\n  b?: string | null\n}')
  })

  it('matches the schemas in shared/protocol.ts', () => {
    const current = readFileSync(DOC, 'utf8')
    const head = current.slice(0, current.indexOf(MARK))
    const expected = head + frameReference()
    if (process.env.UPDATE_DOCS) writeFileSync(DOC, expected)
    else expect(current, 'run `npm run docs:protocol` to regenerate').toBe(expected)
  })
})
