// What every connected client hears about: the live board, the picker and the user count.
import type { Command } from './board.js'
import type { ImageMeta } from './image.ts'

export type Draw64Event =
  | { type: 'image_created'; data: { image: ImageMeta } }
  | { type: 'image_updated'; data: { id: string; command: Command } }
  | { type: 'image_deleted'; data: { id: string } }
  | { type: 'user_count_updated'; data: { count: number } }

export interface EventPublisher {
  /** Sends the event to every connected client and returns how many there were. */
  publish(event: Draw64Event): number
  readonly clientCount: number
}
