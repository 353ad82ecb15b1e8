// The scrolling of a topic's message list: virtualised rows of any height (@tanstack/vue-virtual),
// anchored at the end as chats are (a page of older messages added above keeps the message you
// read in place; the list follows new text only while you are at the bottom), paging older and
// newer messages as you near either end, and "jump to latest".
import { useVirtualizer } from '@tanstack/vue-virtual'
import type { Ref } from 'vue'
import type { LocalMessage, TopicThread } from '~/utils/chat-thread'

const ESTIMATED_ROW_PX = 160
const EDGE_PX = 800
const AT_BOTTOM_PX = 80

export function useMessageList(topicId: () => string | null, list: Ref<LocalMessage[]>, thread: Ref<TopicThread | undefined>) {
  const chat = useChat()
  const scroller = ref<HTMLElement>()
  const mounted = ref(false)
  const atBottom = ref(true)
  /**
   * Keep the newest message in view as rows are measured and text streams in: from the start and
   * whenever the reader is back at the bottom, until they scroll up themselves (wheel, touch, keys).
   */
  const stick = ref(true)
  /** The row at the top of the viewport and its distance from it: kept in place when a page is added above. */
  let anchor: { id: string, offset: number } | null = null
  const loading = ref<'older' | 'newer' | null>(null)
  let loadingTimer: ReturnType<typeof setTimeout> | undefined

  const virtualizer = useVirtualizer(computed(() => ({
    count: list.value.length,
    getScrollElement: () => scroller.value ?? null,
    estimateSize: () => ESTIMATED_ROW_PX,
    getItemKey: (index: number) => list.value[index]?.id ?? index,
    overscan: 4,
    paddingStart: 24,
    paddingEnd: 24,
  })))

  /** The rows to render: all of them until mounted (SSR, hydration), then only those near the viewport. */
  const rows = computed(() => {
    if (!mounted.value) return list.value.map((message, index) => ({ message, index, start: 0 }))
    return virtualizer.value.getVirtualItems().flatMap(item => (list.value[item.index] ? [{ message: list.value[item.index]!, index: item.index, start: item.start }] : []))
  })
  const totalSize = computed(() => virtualizer.value.getTotalSize())

  function measure(el: unknown) {
    if (el instanceof HTMLElement && mounted.value) virtualizer.value.measureElement(el)
  }

  function startLoading(kind: 'older' | 'newer') {
    loading.value = kind
    clearTimeout(loadingTimer)
    loadingTimer = setTimeout(() => (loading.value = null), 10_000)
  }

  function onScroll() {
    const el = scroller.value
    const id = topicId()
    if (!el) return
    atBottom.value = el.scrollHeight - el.scrollTop - el.clientHeight < AT_BOTTOM_PX
    if (atBottom.value) stick.value = true
    anchor = topRow(el)
    if (!id || loading.value) return
    if (!stick.value && el.scrollTop < EDGE_PX && thread.value?.hasMore && list.value[0]) {
      startLoading('older')
      chat.loadOlder(id, list.value[0].id)
    }
    else if (el.scrollHeight - el.scrollTop - el.clientHeight < EDGE_PX && thread.value?.hasNewer && list.value.at(-1)) {
      startLoading('newer')
      chat.loadNewer(id, list.value.at(-1)!.id)
    }
  }

  /** The row at the top of the viewport, from the virtualiser's layout (the DOM may not have caught up with a scroll yet). */
  function topRow(el: HTMLElement): { id: string, offset: number } | null {
    const item = virtualizer.value.getVirtualItemForOffset(el.scrollTop)
    const message = item ? list.value[item.index] : undefined
    return item && message ? { id: message.id, offset: item.start - el.scrollTop } : null
  }

  /** The reader scrolls up by hand: stop following the newest message. */
  function onUserScroll(event: Event) {
    const up = event instanceof WheelEvent ? event.deltaY < 0 : event instanceof KeyboardEvent ? ['ArrowUp', 'PageUp', 'Home'].includes(event.key) : true
    if (up) stick.value = false
  }

  // A page of older messages went in front: put the row that was read back where it was.
  watch(() => list.value[0]?.id, () => {
    const el = scroller.value
    const kept = anchor
    if (!el || !kept || stick.value || !mounted.value) return
    const index = list.value.findIndex(m => m.id === kept.id)
    const target = index < 0 ? undefined : virtualizer.value.getOffsetForIndex(index, 'start')
    if (target) virtualizer.value.scrollToOffset(target[0] - kept.offset)
  }, { flush: 'post' })

  // A page arrived (an end of the list changed): allow the next one.
  watch(() => [list.value[0]?.id, list.value.at(-1)?.id, thread.value?.hasMore, thread.value?.hasNewer], () => {
    loading.value = null
    nextTick(onScroll)
  })

  function scrollToBottom() {
    const el = scroller.value
    if (!el) return
    stick.value = true
    el.scrollTop = el.scrollHeight
    atBottom.value = true
  }

  watch(totalSize, () => {
    if (!mounted.value) return
    if (stick.value) return void nextTick(scrollToBottom)
    // Rows were measured (their height replaced an estimate): the row being read is noted again,
    // from the measured layout, so that a page put in front next keeps it where the reader sees it.
    if (scroller.value) anchor = topRow(scroller.value) ?? anchor
  }, { flush: 'post' })

  /** Back to the newest message: from the held page if it has it, else the topic's latest page. */
  function jumpToLatest() {
    const id = topicId()
    if (id && thread.value?.hasNewer) chat.openTopic(id)
    nextTick(scrollToBottom)
  }

  function scrollToMessage(messageId: string) {
    const index = list.value.findIndex(m => m.id === messageId)
    if (index < 0) return false
    stick.value = false
    virtualizer.value.scrollToIndex(index, { align: 'center' })
    atBottom.value = false
    return true
  }

  onMounted(() => {
    mounted.value = true
    nextTick(scrollToBottom)
  })
  onBeforeUnmount(() => clearTimeout(loadingTimer))

  return { scroller, rows, totalSize, mounted, atBottom, loading, measure, onScroll, onUserScroll, scrollToBottom, jumpToLatest, scrollToMessage }
}
