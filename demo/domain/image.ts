// An image as clients see it, without its pixels.

/** The original Draw64 keeps at most ten images: a board for a room, not a gallery. */
export const MAX_IMAGES = 10
/** Attendees cannot take the last slots: the speaker can always create an image on stage. */
export const SLOTS_KEPT_FOR_SPEAKER = 2
/** One attendee cannot fill the board for the others. */
export const MAX_IMAGES_PER_ATTENDEE = 2

/** Who asks for a change: the speaker's machine, or an attendee known by an anonymous id. */
export interface Requester {
  kind: 'speaker' | 'attendee'
  id: string
}

export interface ImageMeta {
  id: string
  createdAt: string
  updatedAt: string
  updateCount: number
}
