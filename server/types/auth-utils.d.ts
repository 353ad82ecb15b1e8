// What the sealed session cookie holds (server/utils/identity.ts): the user's id and whether it is a guest.
declare module '#auth-utils' {
  interface User {
    id: string
    guest: boolean
  }
}

export {}
