// The text of streaming replies is saved now and then (so that a crash loses little): every second,
// all the replies that moved since the last save go to the database in one statement, however many
// replies stream. No write per delta, and a thousand replies cost one statement a second, not a
// thousand.
import { saveProgressBatch } from '../storage/messages'

const SAVE_EVERY_MS = 1_000
/** Rows per statement: a bound on its size (each row carries a reply's whole text so far). */
const BATCH_ROWS = 200

const dirty = new Map<string, { content: string, seq: number }>()
let timer: ReturnType<typeof setTimeout> | undefined
let saving: Promise<void> = Promise.resolve()

async function save() {
  timer = undefined
  const due = [...dirty]
  dirty.clear()
  for (let i = 0; i < due.length; i += BATCH_ROWS) {
    await saveProgressBatch(due.slice(i, i + BATCH_ROWS).map(([id, progress]) => ({ id, ...progress })))
  }
}

/** Notes a reply's text so far; it is saved within a second (only its latest state). */
export function markProgress(messageId: string, content: string, seq: number) {
  dirty.set(messageId, { content, seq })
  timer ??= setTimeout(() => {
    saving = saving.then(save).catch(error => console.warn('[reply] checkpoint failed', error))
  }, SAVE_EVERY_MS)
}

/** The reply ended: its final write supersedes any checkpoint (which only touches streaming rows). */
export function forgetProgress(messageId: string) {
  dirty.delete(messageId)
}

/** Checkpoints made so far, stored (tests; the end of a reply does not need to wait for them). */
export function checkpointsSaved(): Promise<void> {
  return saving
}
