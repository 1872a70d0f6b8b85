// A control panel's poller runs only while its slide is on screen and live: Slidev keeps every
// slide mounted, and a printed slide shows the panel as it stands, without asking the demo.
import { onScopeDispose, watch } from 'vue'
import { useIsSlideActive, useNav } from '@slidev/client'
import type { Poller } from '../lib/polling.ts'

/** Acquires `poller` while the slide is shown and not printed, and `allowed()` holds; `stop` lets it go until the slide comes back. */
export function usePollingOnScreen(poller: Poller, allowed: () => boolean = () => true): { stop: () => void } {
  const isActive = useIsSlideActive()
  const { isPrintMode } = useNav()
  let release: (() => void) | undefined
  const stop = () => {
    release?.()
    release = undefined
  }
  watch(
    [isActive, isPrintMode],
    ([active, print]) => {
      stop()
      if (active && !print && allowed()) release = poller.acquire()
    },
    { immediate: true },
  )
  onScopeDispose(stop)
  return { stop }
}
