// An image as clients see it, without its pixels.

/** The original Draw64 keeps at most ten images: a board for a room, not a gallery. */
export const MAX_IMAGES = 10

export interface ImageMeta {
  id: string
  createdAt: string
  updatedAt: string
  updateCount: number
}
