import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { katexCss } from '../../utils/katex-css.mjs'

describe('utils/katex.css', () => {
  const copy = readFileSync(new URL('../../utils/katex.css', import.meta.url), 'utf8')

  it('is the installed KaTeX stylesheet (run `node utils/katex-css.mjs` after upgrading KaTeX)', () => {
    const source = readFileSync(new URL('../../node_modules/katex/dist/katex.min.css', import.meta.url), 'utf8')
    expect(copy).toBe(katexCss(source))
  })

  it('never lets the build inline a font as a data: URI', () => {
    const urls = copy.match(/url\([^)]*\)/g) ?? []
    expect(urls.length).toBeGreaterThan(50)
    expect(urls.filter(url => !url.endsWith('?no-inline)'))).toEqual([])
  })
})
