// The window of time a browser span may claim, around the demo's clock. Browsers' clocks are
// set by the network and agree with the server's to well under a second; a span stamped outside
// this window is a broken clock or a prank (year 9999 would push every real trace off the
// waterfall). The server refuses such spans (demo/telemetry/browser-spans.ts); the slides'
// "Effacer" and time axes ignore any that get through (a recording, an older server).
export const SANE_TIME_WINDOW = {
  /** How old a span may be when it arrives: a phone that lost the network for a while. */
  pastMs: 10 * 60_000,
  /** How far ahead of the demo's clock: skew, never the future. */
  futureMs: 60_000,
} as const

export function withinSaneWindow(timeMs: number, nowMs: number): boolean {
  return timeMs >= nowMs - SANE_TIME_WINDOW.pastMs && timeMs <= nowMs + SANE_TIME_WINDOW.futureMs
}
