// Worker threads load their library (QuickJS, mathjs) by URL at run time, from the node_modules of
// the build output (.output/server/node_modules, where Nitro copies the packages it traces) or, in
// development and tests, of the working directory.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'

const found = new Map<string, string>()

/** The file URL of `file` inside package `name`, found from the running script or the working directory. */
export function packageFileUrl(name: string, file: string): string {
  const key = `${name}/${file}`
  const cached = found.get(key)
  if (cached) return cached
  const bases = [process.argv[1], join(process.cwd(), 'index.js')].filter((base): base is string => !!base)
  for (const base of bases) {
    try {
      const manifest = createRequire(base).resolve(`${name}/package.json`)
      const url = pathToFileURL(join(dirname(manifest), file)).href
      found.set(key, url)
      return url
    }
    catch {
      // try the next base
    }
  }
  throw new Error(`${name} is not installed`)
}
