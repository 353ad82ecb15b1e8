// The web server of the e2e run: the built app on a fresh, empty data dir that is wiped when the run
// starts and again when the server exits, so every run begins with no users and no topics.
import { mkdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const dataDir = join(root, 'tests/.tmp', `e2e-data-${process.env.PORT ?? '3210'}`)
rmSync(dataDir, { recursive: true, force: true })
mkdirSync(dataDir, { recursive: true })
process.env.DATA_DIR = dataDir
process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }))

await import(join(root, '.output/server/index.mjs'))
