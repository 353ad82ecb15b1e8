// The resume rule of DESIGN.md on the receiving side: deltas carry seq = 1, 2, 3… per message.
import type { Message, ServerPayload } from './protocol'

export type DeltaOutcome = 'applied' | 'stale' | 'gap'

/** What a delta means for a message that has seen `currentSeq` deltas. */
export function deltaOutcome(currentSeq: number, deltaSeq: number): DeltaOutcome {
  if (deltaSeq <= currentSeq) return 'stale'
  return deltaSeq === currentSeq + 1 ? 'applied' : 'gap'
}

/** Appends a delta to a streaming message in place; a stale one is dropped, a gap is reported. */
export function applyDelta(message: Message, delta: ServerPayload<'message.delta'>): DeltaOutcome {
  if (message.status !== 'streaming') return 'stale'
  const outcome = deltaOutcome(message.seq, delta.seq)
  if (outcome === 'applied') {
    message.content += delta.text
    message.seq = delta.seq
  }
  return outcome
}

/**
 * Of two copies of one message, the one that is further along (final states win over streaming).
 * A final copy that holds less than the person already saw (a reply whose server died between two
 * checkpoints comes back `failed`/`interrupted` with the text of the last one) keeps the seen text:
 * text so far is never taken back on a failure.
 */
export function newerMessage(local: Message, incoming: Message): Message {
  if (local.status === 'streaming' && incoming.status === 'streaming' && local.seq > incoming.seq) return local
  if (local.status !== 'streaming' && incoming.status === 'streaming') return local
  if (local.status === 'streaming' && incoming.status === 'failed' && local.content.length > incoming.content.length
    && local.content.startsWith(incoming.content)) return { ...incoming, content: local.content, seq: local.seq }
  return incoming
}
