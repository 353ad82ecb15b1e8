// The protocol's limits and the socket's close codes (shared/protocol.ts re-exports them). No zod
// here: the browser's first paint imports this module, and the schemas load with the socket.

export const LIMITS = {
  frameBytes: 64 * 1024,
  messageChars: 32_000,
  titleChars: 120,
  historyPage: 50,
  historyPageMax: 200,
  /** Messages on each side of the target of `topic.open {around}`. */
  historyAround: 25,
  searchChars: 200,
  searchResultsMax: 50,
  searchResultsDefault: 20,
  snippetChars: 200,
  /** What `Task.input` shows of a task's input at most. */
  taskInputChars: 16_000,
  /** A message of an imported file: as long as the longest reply a server can be configured to write. */
  importMessageChars: 10_000_000,
} as const

/**
 * Close codes of the socket. 1008, 1009 and 1013 are RFC 6455's; the 4xxx ones are the app's own.
 * The client reconnects after every one of them, at once for sessionChanged.
 */
export const CLOSE = {
  /** The session ended: logged out, password changed, account deleted. */
  policy: 1008,
  /** A frame over LIMITS.frameBytes. */
  tooLarge: 1009,
  /** The server restarts or sheds load: reconnect (to another instance) later. */
  serviceRestart: 1012,
  /** The client did not read its frames and the server's send buffer filled up. */
  tryAgainLater: 1013,
  /** Same browser, new identity (register, log in): reconnect now with the new cookie. */
  sessionChanged: 4001,
  /** More open sockets than WS_MAX_SOCKETS_PER_USER. */
  tooManySockets: 4029,
} as const
