// The web server of the e2e run: the built app on a fresh, empty data dir that is wiped when the run
// starts and again when the server exits, so every run begins with no users and no topics. Beside the
// built-in agents it lists "Slow stream", a model-backed agent on a local fake provider whose reply
// never ends by itself (tests/e2e/support/slow-provider.mjs).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { startSlowProvider } from '../tests/e2e/support/slow-provider.mjs'

const root = resolve(import.meta.dirname, '..')
const dataDir = join(root, 'tests/.tmp', `e2e-data-${process.env.PORT ?? '3210'}`)
rmSync(dataDir, { recursive: true, force: true })
mkdirSync(dataDir, { recursive: true })
process.env.DATA_DIR = dataDir
process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }))

const agentsFile = join(dataDir, 'agents.json')
writeFileSync(agentsFile, JSON.stringify([
  { id: 'slow', name: 'Slow stream', description: 'Test agent: streams without end', provider: 'openai-compatible', model: 'slow', baseURL: await startSlowProvider() },
]))
process.env.AGENTS_FILE = agentsFile

await import(join(root, '.output/server/index.mjs'))
