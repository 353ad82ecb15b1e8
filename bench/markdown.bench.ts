// What the sanitiser costs where it is slowest, on the server (DOMPurify on jsdom, as in SSR):
// markdown-it + Shiki alone (the pipeline before the sanitiser) against renderMarkdown without and
// with the server's cache, for a short message, a typical reply and a 32,000-character one.
//
//   npx vitest bench --project unit --run bench/markdown.bench.ts
import MarkdownIt from 'markdown-it'
import { beforeAll, bench, describe } from 'vitest'
import { highlightCode } from '../utils/highlight'
import { loadMarkdown, renderMarkdown } from '../utils/markdown'

const short = 'Sure! **17%** of 2,340 is `397.8`. See [the docs](https://example.com/docs) for more.'
const typical = `Here is what we discussed:

1. The **socket** reconnects with backoff and jitter.
2. Deltas carry a \`seq\`, so a reconnect loses nothing.

\`\`\`js
export function backoff(attempt) {
  const base = Math.min(30_000, 500 * 2 ** attempt)
  return base / 2 + Math.random() * base / 2 // jitter
}
\`\`\`

| kind | limit |
|---|---:|
| calc | 2 s |
| run-code | 3 s |

More at <https://example.com/protocol> and [the README](https://example.com/readme "README").
`
function part(i: number): string {
  return `## Part ${i}\n\nProse with **bold**, _emphasis_, \`code\` and a [link](https://example.com/${i}). `
    + 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.\n\n'
    + `- one\n- two with \`code\`\n- three\n\n\`\`\`ts\nconst value${i}: number = compute(${i}) // note\nif (value${i} > 10) console.log(\`big: \${value${i}}\`)\n\`\`\`\n\n| a | b |\n|---|---|\n| ${i} | ${i * 2} |\n\n`
}
let long = ''
for (let i = 0; long.length < 32_000; i++) long += part(i)
const huge = long.slice(0, 32_000)

const unsanitised = new MarkdownIt({ html: false, linkify: true, breaks: true, highlight: highlightCode })

beforeAll(async () => {
  await loadMarkdown()
})

for (const [name, text] of [['short', short], ['typical reply', typical], ['32,000 characters', huge]] as const) {
  describe(name, () => {
    bench('markdown-it + Shiki (before)', () => {
      unsanitised.render(text)
    })
    bench('renderMarkdown, not cached', () => {
      renderMarkdown(text)
    })
    bench('renderMarkdown, cached (server)', () => {
      renderMarkdown(text, 'msg_bench')
    })
  })
}
