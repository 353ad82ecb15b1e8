// The Undo offered after deleting a message: one at a time, for a few seconds (the server keeps a
// deleted message for UNDO_SECONDS, 10 by default), shown by ChatView and undone with message.restore.
const OFFER_MS = 8_000

export interface UndoOffer {
  topicId: string
  messageId: string
  /** Distinguishes offers of the same message (a restore, then another delete). */
  key: number
}

export function useMessageUndo() {
  const offer = useState<UndoOffer | null>('message-undo', () => null)
  const chat = useChat()
  let timer: ReturnType<typeof setTimeout> | undefined

  return {
    offer: (topicId: string, messageId: string) => {
      const key = Date.now()
      offer.value = { topicId, messageId, key }
      clearTimeout(timer)
      timer = setTimeout(() => {
        if (offer.value?.key === key) offer.value = null
      }, OFFER_MS)
    },
    current: offer,
    undo: () => {
      const current = offer.value
      if (!current) return
      chat.restoreMessage(current.topicId, current.messageId)
      offer.value = null
    },
    dismiss: () => (offer.value = null),
  }
}
