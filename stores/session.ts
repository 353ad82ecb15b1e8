// Who is connected, which agents exist, and the state of the socket.
import { defineStore } from 'pinia'
import type { Agent, User } from '#shared/protocol'

/** `expired`: the session cookie no longer names a session (cleaned up or ended): reload to start anew. */
export type ConnectionStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'expired'

export const useSessionStore = defineStore('session', () => {
  const user = ref<User | null>(null)
  const agents = ref<Agent[]>([])
  const status = ref<ConnectionStatus>('idle')
  /** When the next reconnect attempt happens (ms since epoch), while reconnecting. */
  const retryAt = ref<number | null>(null)
  const everConnected = ref(false)

  const defaultAgentId = computed(() => agents.value[0]?.id ?? 'assistant')

  function agentById(id: string | undefined) {
    return agents.value.find(agent => agent.id === id)
  }

  function setReady(nextUser: User, nextAgents: Agent[]) {
    user.value = nextUser
    agents.value = nextAgents
    status.value = 'open'
    retryAt.value = null
    everConnected.value = true
  }

  return { user, agents, status, retryAt, everConnected, defaultAgentId, agentById, setReady }
})
