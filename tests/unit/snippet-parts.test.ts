import { describe, expect, it } from 'vitest'
import { snippetParts } from '../../utils/snippet-parts'

const render = (snippet: string, matches: Array<[number, number]>) =>
  snippetParts(snippet, matches).map(p => (p.match ? `[${p.text}]` : p.text)).join('')

describe('snippetParts', () => {
  it('marks the ranges and keeps every character', () => {
    expect(render('the quick brown fox', [[4, 9], [16, 19]])).toBe('the [quick] brown [fox]')
    expect(render('fox', [[0, 3]])).toBe('[fox]')
    expect(render('no match', [])).toBe('no match')
  })

  it('sorts, clips and merges bad ranges instead of failing', () => {
    expect(render('abcdef', [[4, 99], [0, 2]])).toBe('[ab]cd[ef]')
    expect(render('abcdef', [[1, 4], [2, 5]])).toBe('a[bcd][e]f')
    expect(render('abcdef', [[3, 3], [-5, 1], [10, 12]])).toBe('[a]bcdef')
  })

  it('keeps markup as text', () => {
    expect(snippetParts('<b>x</b>', [[3, 4]])).toEqual([
      { text: '<b>', match: false }, { text: 'x', match: true }, { text: '</b>', match: false },
    ])
  })
})
