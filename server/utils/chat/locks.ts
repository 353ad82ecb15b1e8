// Serialises the changes to one topic (send, edit, regenerate, delete) within this process.
const tails = new Map<string, Promise<unknown>>()

export function withTopicLock<T>(topicId: string, work: () => Promise<T>): Promise<T> {
  const previous = tails.get(topicId) ?? Promise.resolve()
  const next = previous.catch(() => {}).then(work)
  tails.set(topicId, next)
  void next.catch(() => {}).finally(() => {
    if (tails.get(topicId) === next) tails.delete(topicId)
  })
  return next
}
