// Thin client for the Draw64 HTTP API. Every failure becomes an Error whose
// message is the server's own `error` text plus the status, for the status line.
import { PIXELS_BYTES } from './board.js';

/** @typedef {{ id: string, createdAt: string, updatedAt: string, updateCount: number }} Image */

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
    const { images } = await (await request('GET', `${base}/api/images`)).json();
    return images;
  }

  /** @returns {Promise<Image>} */
  async function createImage() {
    const { image } = await (await request('POST', `${base}/api/images`)).json();
    return image;
  }

  /** @param {string} id */
  async function deleteImage(id) {
    await request('DELETE', `${base}/api/images/${encodeURIComponent(id)}`);
  }

  /**
   * @param {string} id
   * @param {import('./board.js').Command} command
   * @returns {Promise<Image>}
   */
  async function sendCommand(id, command) {
    const res = await request('PUT', `${base}/api/images/${encodeURIComponent(id)}`, { command });
    return (await res.json()).image;
  }

  /**
   * @param {string} id
   * @returns {Promise<Uint8Array>} SIZE*SIZE*3 RGB bytes
   */
  async function fetchPixels(id) {
    const res = await request('GET', `${base}/api/images/${encodeURIComponent(id)}/pixels`);
    const pixels = new Uint8Array(await res.arrayBuffer());
    if (pixels.length !== PIXELS_BYTES) {
      throw new Error(`Pixels inattendus : ${pixels.length} octets au lieu de ${PIXELS_BYTES}`);
    }
    return pixels;
  }

  /** @param {string} id */
  function pngUrl(id) {
    return `${base}/api/images/${encodeURIComponent(id)}.png`;
  }

  return { listImages, createImage, deleteImage, sendCommand, fetchPixels, pngUrl };
}
