// Demo control answers only the local machine: the speaker's own browser, directly or through
// the slides' proxy on this machine (which forwards the caller's address, see client-address.ts).
import { isLocalRequest } from './client-address.ts'
import { HttpError } from './respond.ts'
import type { Handler } from './router.ts'

export function localOnly(handler: Handler): Handler {
  return (context) => {
    if (!isLocalRequest(context.request)) throw new HttpError(403, 'demo control answers only the speaker’s machine')
    return handler(context)
  }
}
