// The server's event stream, kept open: EventSource retries by itself after
// a network drop, but gives up for good on an HTTP error, so we retry then.
// Each event's data is parsed with the server's schema (lib/wire.ts) before a handler sees it.
import { parseDraw64Event } from '../../lib/wire.ts';

/** Pause before opening a new stream when the browser gave up on one. */
const RECONNECT_MS = 3000;

/** @typedef {import('../domain/events.ts').Draw64Event} Draw64Event */
/** @typedef {{ [Type in Draw64Event['type']]?: (data: Extract<Draw64Event, { type: Type }>['data']) => void }} Handlers */

/**
 * @param {string} url
 * @param {Handlers} handlers by event name, given the event's data
 * @param {{ onConnection: (live: boolean) => void, onResumed: () => void }} hooks
 *   onResumed: the stream is back after a drop, events may have been missed
 */
export function connectLiveEvents(url, handlers, hooks, resumed = false) {
  const source = new EventSource(url);
  let missedEvents = resumed;
  let closed = false;
  /** @type {{ close: () => void } | undefined} */
  let retry;

  for (const type of /** @type {Draw64Event['type'][]} */ (Object.keys(handlers))) {
    source.addEventListener(type, (e) => {
      const event = parseDraw64Event(type, JSON.parse(/** @type {MessageEvent} */ (e).data));
      // A malformed event is dropped: the board catches up at its next reload.
      if (event) /** @type {(data: unknown) => void} */ (handlers[type])(event.data);
    });
  }
  source.onopen = () => {
    hooks.onConnection(true);
    if (missedEvents) hooks.onResumed();
    missedEvents = false;
  };
  source.onerror = () => {
    hooks.onConnection(false);
    missedEvents = true;
    if (source.readyState === EventSource.CLOSED) {
      setTimeout(() => {
        if (!closed) retry = connectLiveEvents(url, handlers, hooks, true);
      }, RECONNECT_MS);
    }
  };
  return {
    /** Stops listening, and stops retrying. */
    close() {
      closed = true;
      source.close();
      retry?.close();
    },
  };
}
