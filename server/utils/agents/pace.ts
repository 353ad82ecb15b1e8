// Streams composed text word by word at a human reading pace, as a model would.
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}

/** Words with their trailing white space, so that joining the pieces gives the text back exactly. */
export function splitWords(text: string): string[] {
  // Text of white space only is one piece: the pattern would rescan it from every position (quadratic).
  if (!/\S/.test(text)) return text ? [text] : []
  return text.match(/\s*\S+\s*/g)!
}

export async function* streamWords(text: string, delayMs: number, signal: AbortSignal): AsyncGenerator<string> {
  for (const word of splitWords(text)) {
    if (signal.aborted) return
    // ±40 % jitter, and a longer beat after a sentence ends.
    const beat = /[.!?:]\s*$/.test(word) ? 2.5 : 1
    await sleep(delayMs * beat * (0.6 + Math.random() * 0.8), signal)
    if (signal.aborted) return
    yield word
  }
}
