import type { Config } from 'tailwindcss'

export default {
  darkMode: 'class',
  content: [],
} satisfies Partial<Config>
