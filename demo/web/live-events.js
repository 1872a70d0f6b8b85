// The server's event stream, kept open: EventSource retries by itself after
// a network drop, but gives up for good on an HTTP error, so we retry then.

/** Pause before opening a new stream when the browser gave up on one. */
const RECONNECT_MS = 3000;

/**
 * @param {string} url
 * @param {Record<string, (data: any) => void>} handlers by event name, given the parsed JSON data
 * @param {{ onConnection: (live: boolean) => void, onResumed: () => void }} hooks
 *   onResumed: the stream is back after a drop, events may have been missed
 */
export function connectLiveEvents(url, handlers, hooks, resumed = false) {
  const source = new EventSource(url);
  let missedEvents = resumed;
  let closed = false;
  /** @type {{ close: () => void } | undefined} */
  let retry;

  for (const [type, handle] of Object.entries(handlers)) {
    source.addEventListener(type, (e) => handle(JSON.parse(/** @type {MessageEvent} */ (e).data)));
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
