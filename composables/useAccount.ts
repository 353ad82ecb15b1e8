// The account actions of the log-in, register and settings pages. Each one changes the session on
// the server; the server then closes this browser's old sockets (4001/1008) and the socket
// reconnects as the new identity, which refreshes every store through session.ready.
import type { Me } from '#shared/auth'

export function useAccount() {
  const session = useSessionStore()
  const post = <T>(url: string, body?: object, method: 'POST' | 'PATCH' | 'DELETE' = 'POST') => $fetch<T>(url, { method, body })

  function adopt(me: Me) {
    session.user = { id: me.id, name: me.name, guest: me.guest }
  }

  return {
    async login(email: string, password: string) {
      adopt(await post<Me>('/api/auth/login', { email, password }))
    },
    async register(email: string, password: string, name?: string) {
      adopt(await post<Me>('/api/auth/register', { email, password, ...(name ? { name } : {}) }))
    },
    async logout() {
      await post('/api/auth/logout')
    },
    me: () => $fetch<Me>('/api/auth/me'),
    async rename(name: string) {
      adopt(await post<Me>('/api/account', { name }, 'PATCH'))
    },
    changePassword: (currentPassword: string, newPassword: string) => post('/api/account/password', { currentPassword, newPassword }),
    deleteAccount: (password: string) => post('/api/account', { password }, 'DELETE'),
  }
}
