// What can go wrong in the domain, independent of HTTP; the HTTP layer maps each to a status.

export class ImageNotFoundError extends Error {
  readonly imageId: string

  constructor(imageId: string) {
    super(`image "${imageId}" does not exist`)
    this.imageId = imageId
    this.name = 'ImageNotFoundError'
  }
}

/** An attendee may delete only the images they created. */
export class ImageForbiddenError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ImageForbiddenError'
  }
}

export class ImageConflictError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ImageConflictError'
  }
}
