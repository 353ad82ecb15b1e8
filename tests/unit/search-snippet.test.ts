import { describe, expect, it } from 'vitest'
import { snippetOf } from '../../server/utils/storage/search'

const mark = (word: string) => `\u0001${word}\u0002`

describe('snippetOf', () => {
  it('turns the marks into ranges of the plain text', () => {
    expect(snippetOf(`the ${mark('zebras')} ran, ${mark('zebras')} again`)).toEqual({
      snippet: 'the zebras ran, zebras again',
      matches: [[4, 10], [16, 22]],
    })
  })

  it('folds white space (lines, tabs) to single spaces, ranges included', () => {
    expect(snippetOf(`  line one\n\n\t${mark('two')}  `)).toEqual({ snippet: 'line one two', matches: [[9, 12]] })
  })

  it('cuts a long text around the first match, with ellipses, within the limit', () => {
    const text = `${'a'.repeat(300)} ${mark('needle')} ${'b'.repeat(300)}`
    const { snippet, matches } = snippetOf(text, 200)
    expect(snippet.length).toBeLessThanOrEqual(200)
    expect(snippet.startsWith('…')).toBe(true)
    expect(snippet.endsWith('…')).toBe(true)
    expect(matches).toHaveLength(1)
    expect(snippet.slice(matches[0]![0], matches[0]![1])).toBe('needle')
  })

  it('keeps only the ranges that fit in the cut, and none for a text without marks', () => {
    const text = `${mark('first')} ${'c'.repeat(400)} ${mark('late')}`
    const { snippet, matches } = snippetOf(text, 200)
    expect(matches).toEqual([[0, 5]])
    expect(snippet.startsWith('first')).toBe(true)
    expect(snippetOf('no marks here')).toEqual({ snippet: 'no marks here', matches: [] })
  })
})
