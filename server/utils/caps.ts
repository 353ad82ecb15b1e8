// Size caps on what users and agents produce (task output, replies), cut visibly: the person sees
// where the text stops and how long it was, instead of a silent loss or a frame of megabytes.

const count = (n: number) => n.toLocaleString('en-US')

/** "… [output cut at 16,000 characters; 2,345,678 in all]", the end of a cut text. */
export function cutNote(what: string, max: number, total?: number): string {
  return `… [${what} cut at ${count(max)} characters${total === undefined ? '' : `; ${count(total)} in all`}]`
}

/** The first `max` characters of `text`, one fewer when that would split an emoji's surrogate pair. */
export function headOf(text: string, max: number): string {
  if (text.length <= max) return text
  const code = text.charCodeAt(max - 1)
  return text.slice(0, code >= 0xD800 && code <= 0xDBFF ? max - 1 : max)
}

/** `text`, or its first `max` characters and the note saying so. */
export function capText(text: string, max: number, what = 'output'): string {
  return text.length <= max ? text : `${headOf(text, max)}\n${cutNote(what, max, text.length)}`
}

interface Budget {
  /** Characters left for the whole value. */
  left: number
  /** Characters one string may keep. */
  readonly each: number
}

function capString(text: string, budget: Budget): string {
  const limit = Math.max(0, Math.min(budget.each, budget.left))
  budget.left -= Math.min(text.length, limit)
  if (text.length <= limit) return text
  if (limit === 0) return `… [${count(text.length)} characters left out: the output had reached its limit]`
  return `${headOf(text, limit)}\n${cutNote('output', limit, text.length)}`
}

function capValue(value: unknown, budget: Budget): unknown {
  if (typeof value === 'string') return capString(value, budget)
  if (Array.isArray(value)) {
    const kept: unknown[] = []
    // Items past the budget go; the string that ran out of it carries the note.
    for (const item of value) {
      if (budget.left <= 0) break
      kept.push(capValue(item, budget))
    }
    return kept
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, capValue(item, budget)]))
  }
  budget.left -= String(value).length
  return value
}

/**
 * A JSON value whose strings keep at most `each` characters apiece and `total` together, in key
 * order (a task result's `text`, the part people see, comes first). A cut string ends with the note;
 * array items past the total go.
 */
export function capJson<T>(value: T, each: number, total = each * 3): T {
  return capValue(value, { left: total, each }) as T
}
