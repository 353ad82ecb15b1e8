// Start-up work (migrations, recovery) that requests must wait for before touching the database.
let readyPromise: Promise<void> | undefined

export function setStartup(work: Promise<void>) {
  readyPromise = work
}

export function whenReady(): Promise<void> {
  return readyPromise ?? Promise.resolve()
}
