// The Draw64 page: draws locally at once, sends strokes in batches, and
// follows the other clients through the server's event stream.
import { applyCommand, blankPixels } from '../domain/board.js';
import { createBoardPainter, createStrokeBatcher, hexToRgb } from './drawing.js';
import { createDraw64Api } from './api.js';
import { createStrokeTracing } from './browser-tracing.js';
import { trackStrokes } from './pointer-strokes.js';
import { connectLiveEvents } from './live-events.js';
import { mountPalette } from './palette.js';

const api = createDraw64Api('');

/** Strokes are sent about this often while drawing: 10 requests/s, within the server's per-client budget. */
const FLUSH_MS = 100;
const CLEAR = /** @type {const} */ ({ command_type: 'clear_canvas' });

const byId = (/** @type {string} */ id) => /** @type {any} */ (document.getElementById(id));
const canvas = /** @type {HTMLCanvasElement} */ (byId('board'));
const ui = {
  users: byId('users'), connection: byId('connection'), status: byId('status'),
  swatches: byId('swatches'), colour: byId('colour'), picker: byId('image-select'),
  create: byId('new-image'), clear: byId('clear-image'), remove: byId('delete-image'), download: byId('download'),
};

const state = {
  /** @type {Map<string, import('./api.js').Image>} */
  images: new Map(),
  /** @type {string | null} */
  selectedId: null,
  /** @type {Uint8Array} */
  pixels: blankPixels(),
  /** @type {[number, number, number]} */
  colour: [0, 0, 0],
  /** @type {ReturnType<typeof createStrokeBatcher> | null} one per selected image */
  batcher: null,
  /** Commands received while the pixels are being fetched, replayed on top of them. @type {import('../domain/board.js').Command[] | null} */
  queued: null,
  loadToken: 0,
};

// ---- status line and rendering ----

let statusTimer = 0;
/** @param {unknown} err */
function report(err) {
  ui.status.textContent = err instanceof Error ? err.message : String(err);
  clearTimeout(statusTimer);
  statusTimer = window.setTimeout(() => { ui.status.textContent = ''; }, 8000);
}

/** Repaints at most once per animation frame, however many pixels changed. */
const { soon: repaint } = createBoardPainter(() => canvas.getContext('2d'), () => state.pixels);

// ---- images and picker ----

/** @param {import('./api.js').Image} image */
const optionLabel = (image) => `${image.id} · ${image.updateCount} modif.`;

function renderPicker() {
  const images = [...state.images.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  ui.picker.replaceChildren(...images.map((img) => new Option(optionLabel(img), img.id, false, img.id === state.selectedId)));
  if (images.length === 0) ui.picker.append(new Option('Aucune image', ''));
  const id = state.selectedId;
  ui.picker.disabled = images.length === 0;
  ui.clear.disabled = ui.remove.disabled = !id;
  document.body.dataset.drawable = String(Boolean(id));
  if (id) {
    ui.download.href = api.pngUrl(id);
    ui.download.download = `${id}.png`;
    ui.download.removeAttribute('aria-disabled');
  } else {
    ui.download.removeAttribute('href');
    ui.download.setAttribute('aria-disabled', 'true');
  }
}

/** Updates one option's text in place: rebuilding the list would close it on a phone. @param {string} id */
function relabel(id) {
  const image = state.images.get(id);
  const option = [...ui.picker.options].find((o) => o.value === id);
  if (image && option) option.text = optionLabel(image);
}

/** @param {string | null} id */
async function selectImage(id) {
  state.batcher?.flush().catch(report); // strokes already drawn still go to the previous image
  state.selectedId = id;
  state.batcher = id ? createStrokeBatcher((command) => strokes.send(() => api.sendCommand(id, command))) : null;
  if (id) history.replaceState(null, '', `#${id}`); // ids are [A-Za-z0-9-], nothing to encode
  renderPicker();
  await reloadPixels();
}

/** Fetches the selected image's pixels; events arriving meanwhile are queued and replayed. */
async function reloadPixels() {
  const id = state.selectedId;
  const token = ++state.loadToken;
  if (!id) {
    state.pixels = blankPixels();
    repaint();
    return;
  }
  state.queued = [];
  try {
    const pixels = await api.fetchPixels(id);
    if (token !== state.loadToken) return; // another image was selected meanwhile
    // Replaying commands the snapshot already holds is harmless: they only set pixels.
    for (const command of state.queued) applyCommand(pixels, command);
    state.pixels = pixels;
    repaint();
  } catch (err) {
    if (token === state.loadToken) report(err);
  } finally {
    if (token === state.loadToken) state.queued = null;
  }
}

/** Lists the images and keeps the current (or the URL's) image selected. */
async function refreshImages() {
  state.images = new Map((await api.listImages()).map((img) => [img.id, img]));
  const wanted = [state.selectedId, location.hash.slice(1)];
  const keep = wanted.find((id) => id && state.images.has(id));
  await selectImage(keep ?? state.images.keys().next().value ?? null);
}

async function createAndSelect() {
  const image = await api.createImage();
  state.images.set(image.id, image);
  // Our own image_created event may have selected it already.
  if (state.selectedId !== image.id) await selectImage(image.id);
  else renderPicker();
}

// ---- drawing ----

const strokes = createStrokeTracing('', () => state.selectedId ?? undefined);

/** @param {Promise<void>} flushed */
function recoverFrom(flushed) {
  return flushed.catch((err) => {
    report(err);
    reloadPixels(); // show what the server really kept
    if (state.batcher?.size) scheduleFlush();
  });
}

let flushTimer = 0;
function scheduleFlush() {
  if (flushTimer) return;
  flushTimer = window.setTimeout(() => {
    flushTimer = 0;
    recoverFrom(state.batcher?.flush() ?? Promise.resolve());
  }, FLUSH_MS);
}

/** The finger lifted: send the rest now, and the stroke's span ends with the answer. */
function endStrokes() {
  clearTimeout(flushTimer);
  flushTimer = 0;
  recoverFrom(strokes.finish(() => state.batcher?.flush() ?? Promise.resolve()));
}

/** Paints locally at once (optimistic) and queues the pixels for the server. @param {[number, number][]} cells */
function paint(cells) {
  const [r, g, b] = state.colour;
  const values = /** @type {import('../domain/board.js').PixelValue[]} */ (cells.map(([x, y]) => [x, y, r, g, b]));
  applyCommand(state.pixels, { command_type: 'draw', values });
  strokes.draw(cells.length);
  for (const [x, y] of cells) state.batcher?.add(x, y, r, g, b);
  repaint();
  scheduleFlush();
}

trackStrokes(canvas, paint, () => Boolean(state.batcher), endStrokes);

// ---- colour and buttons ----

mountPalette(ui.swatches, ui.colour, (hex) => { state.colour = hexToRgb(hex); });

ui.picker.addEventListener('change', () => selectImage(ui.picker.value || null));
ui.create.addEventListener('click', () => createAndSelect().catch(report));

ui.clear.addEventListener('click', async () => {
  const { selectedId: id, batcher } = state;
  if (!id || !batcher) return;
  applyCommand(state.pixels, CLEAR);
  repaint();
  try {
    await batcher.flush().catch(report); // earlier strokes must not land after the clear
    await api.sendCommand(id, CLEAR);
  } catch (err) {
    report(err);
    reloadPixels();
  }
});

ui.remove.addEventListener('click', async () => {
  const id = state.selectedId;
  if (!id || !confirm(`Supprimer l'image ${id} ?`)) return;
  try {
    await api.deleteImage(id);
    forgetImage(id);
    if (state.images.size === 0) await createAndSelect();
  } catch (err) {
    report(err);
  }
});

/** @param {string} id */
function forgetImage(id) {
  if (!state.images.delete(id)) return;
  if (id === state.selectedId) selectImage(state.images.keys().next().value ?? null);
  else renderPicker();
}

// ---- live events ----

/** @param {number} count */
function showUsers(count) {
  ui.users.textContent = count === 1 ? '1 utilisateur connecté' : `${count} utilisateurs connectés`;
}

/** @param {boolean} live */
function showConnection(live) {
  ui.connection.hidden = live;
  document.body.dataset.connection = live ? 'live' : 'down';
}

connectLiveEvents('/api/events', {
  user_count_updated: ({ count }) => showUsers(count),
  image_created: ({ image }) => {
    state.images.set(image.id, image);
    if (!state.selectedId) selectImage(image.id);
    else renderPicker();
  },
  image_deleted: ({ id }) => forgetImage(id),
  image_updated: ({ id, command }) => {
    const image = state.images.get(id);
    if (image) { image.updateCount += 1; relabel(id); }
    if (id !== state.selectedId) return;
    // Our own strokes come back too, painted again: see the events' order in api.js sendCommand.
    if (state.queued) state.queued.push(command);
    else { applyCommand(state.pixels, command); repaint(); }
  },
}, {
  onConnection: showConnection,
  onResumed: () => refreshImages().catch(report), // events were missed while down
});

// ---- start ----

renderPicker();
repaint();
refreshImages()
  .then(() => (state.selectedId ? undefined : createAndSelect()))
  .catch(report);
