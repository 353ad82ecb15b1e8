// Importing a topics export (the JSON of GET /api/export or of one topic's export): read the file,
// POST it to /api/import, and say what happened in words (the server's message when it refuses).
import type { ImportResponse } from '#shared/protocol'

export function useTopicsImport() {
  const { t } = useI18n()
  const busy = ref(false)
  const error = ref('')
  const imported = ref<number | null>(null)

  async function importFile(file: File) {
    busy.value = true
    error.value = ''
    imported.value = null
    try {
      let body: unknown
      try {
        body = JSON.parse(await file.text())
      }
      catch {
        error.value = t('settings.import.notJson', { name: file.name })
        return
      }
      const response = await $fetch<ImportResponse>('/api/import', { method: 'POST', body: body as Record<string, unknown> })
      imported.value = response.topics.length
    }
    catch (failure) {
      error.value = apiErrorMessage(failure)
    }
    finally {
      busy.value = false
    }
  }

  return { busy, error, imported, importFile }
}
