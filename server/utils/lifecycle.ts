// A graceful stop (DESIGN.md): from the first SIGTERM /api/ready answers 503 and no socket may open;
// open sockets are told to reconnect elsewhere (1012); running replies get SHUTDOWN_DRAIN_SECONDS to
// finish and the rest end as interrupted with their text; then queues, pools and connections close.
// Services register their part with onShutdown; they run in the order of their phases.

export type ShutdownPhase = 'sockets' | 'drain' | 'interrupt' | 'close'
const PHASES: ShutdownPhase[] = ['sockets', 'drain', 'interrupt', 'close']

type Step = (deadline: number) => Promise<void> | void

const steps = new Map<ShutdownPhase, { name: string, run: Step }[]>(PHASES.map(phase => [phase, []]))
let stopping: Promise<void> | undefined

export function isDraining(): boolean {
  return stopping !== undefined
}

/** Adds a step: `sockets` close or redirect sockets, `drain` waits (until the deadline) for work to end, `interrupt` ends what is left, `close` releases resources. */
export function onShutdown(phase: ShutdownPhase, name: string, run: Step) {
  steps.get(phase)!.push({ name, run })
}

async function runPhase(phase: ShutdownPhase, deadline: number) {
  await Promise.all(steps.get(phase)!.map(async ({ name, run }) => {
    try {
      await run(deadline)
    }
    catch (error) {
      console.error(`[shutdown] ${name} failed:`, error instanceof Error ? error.message : error)
    }
  }))
}

/** Runs every step once, however many signals arrive; resolves when all are done. */
export function shutdown(drainMs: number): Promise<void> {
  stopping ??= (async () => {
    const deadline = Date.now() + drainMs
    for (const phase of PHASES) await runPhase(phase, deadline)
  })()
  return stopping
}

/** Resolves when `done()` is true or the deadline passes, checking every 100 ms. */
export async function waitUntil(done: () => boolean, deadline: number): Promise<void> {
  while (!done() && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 100))
}
