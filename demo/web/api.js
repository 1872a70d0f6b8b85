// Thin client for the Draw64 HTTP API. Every failure becomes an Error whose
// message is the server's own `error` text plus the status, for the status line.
import { PIXEL_BYTES } from '../domain/board.js';
import { imageAnswerSchema, imageListSchema } from '../../lib/wire.ts';

/** @typedef {import('../domain/image.ts').ImageMeta} Image */

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body] sent as JSON when given
 */
async function request(method, path, body) {
  const init = body === undefined
    ? { method }
    : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new Error('Serveur injoignable');
  }
  if (!res.ok) throw new Error(`${await errorText(res)} (${res.status})`);
  return res;
}

/** @param {Response} res */
async function errorText(res) {
  try {
    const { error } = await res.json();
    if (typeof error === 'string' && error) return error;
  } catch {
    // not JSON (a proxy's HTML page, an empty body): fall back to the status text
  }
  return res.statusText || 'Erreur';
}

/**
 * The API of the Draw64 server at `base` ('' on its own page, '/draw64' through the slides' proxy).
 * @param {string} base
 */
export function createDraw64Api(base) {
  /** @returns {Promise<Image[]>} */
  async function listImages() {
    const { images } = imageListSchema.parse(await (await request('GET', `${base}/api/images`)).json());
    return images;
  }

  /** @returns {Promise<Image>} */
  async function createImage() {
    const { image } = imageAnswerSchema.parse(await (await request('POST', `${base}/api/images`)).json());
    return image;
  }

  /** @param {string} id */
  async function deleteImage(id) {
    await request('DELETE', `${base}/api/images/${encodeURIComponent(id)}`);
  }

  /**
   * Resolves once the server has applied the command. Its answer (the image's metadata) is not
   * read: the stroke was painted locally at once, and it comes back on the event stream like
   * everyone's, where both boards apply it again. The event stream is the server's order: a
   * board that applies every `image_updated`, its own included, ends on the server's last
   * write where two people paint the same pixel; re-applying a stroke of ours changes nothing.
   * @param {string} id
   * @param {import('../domain/board.js').Command} command
   * @returns {Promise<void>}
   */
  async function sendCommand(id, command) {
    await request('PUT', `${base}/api/images/${encodeURIComponent(id)}`, { command });
  }

  /**
   * @param {string} id
   * @returns {Promise<Uint8Array>} PIXEL_BYTES RGB bytes
   */
  async function fetchPixels(id) {
    const res = await request('GET', `${base}/api/images/${encodeURIComponent(id)}/pixels`);
    const pixels = new Uint8Array(await res.arrayBuffer());
    if (pixels.length !== PIXEL_BYTES) {
      throw new Error(`Pixels inattendus : ${pixels.length} octets au lieu de ${PIXEL_BYTES}`);
    }
    return pixels;
  }

  /** @param {string} id */
  function pngUrl(id) {
    return `${base}/api/images/${encodeURIComponent(id)}.png`;
  }

  return { listImages, createImage, deleteImage, sendCommand, fetchPixels, pngUrl };
}
