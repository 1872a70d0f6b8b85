// The live event stream every board and picker follows (Server-Sent Events, see event-stream.ts).
import { rateLimitRejections } from '../../instruments.ts'
import { clientIdentity } from '../client-address.ts'
import type { EventStream } from '../event-stream.ts'
import { HttpError } from '../respond.ts'
import type { Route } from '../router.ts'
import { ROUTES } from './table.ts'

export function eventRoutes(events: EventStream): Route[] {
  return [
    {
      ...ROUTES.events,
      handler: ({ request, response }) => {
        if (!events.connect(response, clientIdentity(request).kind === 'speaker')) {
          rateLimitRejections.add(1, { 'http.route': ROUTES.events.pattern, 'draw64.budget': 'room' })
          throw new HttpError(503, 'too many live clients, try again later', { 'retry-after': '5' })
        }
      },
    },
  ]
}
