// plugins/00.zod-jitless.client.ts relies on zod adopting a config object already on globalThis.
import { describe, expect, it } from 'vitest'

describe('zod config set before zod loads', () => {
  it('is the one zod uses', async () => {
    const holder = globalThis as { __zod_globalConfig?: { jitless?: boolean } }
    const before = holder.__zod_globalConfig
    holder.__zod_globalConfig = { jitless: true }
    try {
      const { z } = await import('zod')
      expect(z.config().jitless).toBe(true)
      expect(z.config()).toBe(holder.__zod_globalConfig)
    }
    finally {
      if (before) holder.__zod_globalConfig = before
    }
  })
})
