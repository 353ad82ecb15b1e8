// A clock that ticks while the calling component is mounted (running task durations). Each caller
// gets its own ref: a module-level one would be shared by every request the server renders.
export function useNow(intervalMs = 250) {
  const now = ref(Date.now())
  let timer: ReturnType<typeof setInterval> | undefined
  onMounted(() => {
    now.value = Date.now()
    timer = setInterval(() => (now.value = Date.now()), intervalMs)
  })
  onBeforeUnmount(() => clearInterval(timer))
  return now
}
