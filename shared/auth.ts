// Bodies of the account endpoints (DESIGN.md "Pages and HTTP"), validated on both sides.
import { z } from 'zod'

export const PASSWORD_MIN = 8
// Long enough for any passphrase; bounded so that hashing stays cheap.
export const PASSWORD_MAX = 256

const email = z.string().trim().toLowerCase().max(254, 'Email is too long').pipe(z.email({ error: 'Enter a valid email address' }))
const password = z.string().min(PASSWORD_MIN, `Password needs at least ${PASSWORD_MIN} characters`).max(PASSWORD_MAX, `Password can have at most ${PASSWORD_MAX} characters`)
const name = z.string().trim().min(1, 'Name cannot be empty').max(80, 'Name can have at most 80 characters')

export const RegisterBody = z.object({ email, password, name: name.optional() })
export type RegisterBody = z.infer<typeof RegisterBody>

// No length rule here: a wrong password of any length is just wrong.
export const LoginBody = z.object({ email, password: z.string().min(1, 'Enter your password').max(PASSWORD_MAX) })
export type LoginBody = z.infer<typeof LoginBody>

export const AccountUpdateBody = z.object({ name })
export const PasswordChangeBody = z.object({ currentPassword: z.string().min(1).max(PASSWORD_MAX), newPassword: password })
export const AccountDeleteBody = z.object({ password: z.string().min(1, 'Enter your password to confirm').max(PASSWORD_MAX) })

export const Me = z.object({ id: z.string(), name: z.string().nullable(), email: z.string().nullable(), guest: z.boolean() })
export type Me = z.infer<typeof Me>
