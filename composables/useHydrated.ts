// True once the component is mounted in the browser: forms keep their submit buttons disabled until
// then, so a click that lands before hydration cannot post the form the old-fashioned way.
export function useHydrated() {
  const hydrated = ref(false)
  onMounted(() => (hydrated.value = true))
  return hydrated
}
