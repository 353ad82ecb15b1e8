// Requests that change something must come from the app's own pages: another site's self-submitting
// form is refused before it reaches the session (which would replace the visitor's cookie) or a handler.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from './helpers'

let server: TestServer

beforeAll(async () => {
  server = await startServer()
})

afterAll(async () => {
  await server?.stop()
})

function post(path: string, site?: string) {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(site ? { 'sec-fetch-site': site } : {}) },
    body: 'email=attacker%40example.com&password=hunter22',
    redirect: 'manual',
  })
}

describe('cross-site requests', () => {
  it.each(['cross-site', 'same-site'])('refuses a POST a browser marks %s with 403, setting no cookie', async (site) => {
    for (const path of ['/', '/api/auth/login', '/api/bootstrap']) {
      const response = await post(path, site)
      expect(response.status, path).toBe(403)
      expect(await response.json()).toMatchObject({ data: { code: 'forbidden' } })
      expect(response.headers.getSetCookie(), path).toEqual([])
    }
  })

  it('lets the app\'s own requests and non-browser clients through', async () => {
    for (const site of ['same-origin', undefined]) {
      const response = await post('/api/bootstrap', site)
      await response.arrayBuffer()
      expect(response.status, String(site)).not.toBe(403)
    }
  })

  it('still serves pages to links from other sites', async () => {
    const response = await fetch(`${server.url}/`, { headers: { 'sec-fetch-site': 'cross-site' } })
    await response.arrayBuffer()
    expect(response.status).toBe(200)
  })
})
