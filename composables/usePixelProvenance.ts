// Pixel → trace: a modifier-click (Alt, Ctrl, ⌘ or Shift), or any click while the "provenance"
// toggle is on, asks Draw64 who last painted that pixel and selects the trace of that stroke in
// LiveTraces (and so its log line in LiveLogs), whoever drew it: the speaker, a phone, the load.
import { ref, shallowRef, type Ref } from 'vue'
import { boardCellAt } from '../demo/web/pointer-strokes.js'
import { endpoints } from '../lib/demo-endpoints.ts'
import type { PixelOrigin } from '../demo/domain/provenance.ts'
import { pixelOriginSchema } from '../lib/wire.ts'
import { useSelectedTrace } from './useSelectedTrace.ts'

const NBSP = '\u00a0'

export interface ProvenanceLookup {
  x: number
  y: number
  origin: PixelOrigin | undefined
  text: string
}

export function usePixelProvenance(imageId: Ref<string | undefined>) {
  const { select } = useSelectedTrace()
  const toggled = ref(false)
  const last = shallowRef<ProvenanceLookup>()

  async function lookUp(x: number, y: number): Promise<void> {
    const id = imageId.value
    if (!id) return
    const where = `pixel (${x}, ${y})`
    try {
      const response = await fetch(endpoints.provenance(id, x, y), { cache: 'no-store' })
      if (response.status === 404) {
        last.value = { x, y, origin: undefined, text: `${where}${NBSP}: pas peint depuis la création ou l’effacement` }
        return
      }
      if (!response.ok) throw new Error(String(response.status))
      const origin = pixelOriginSchema.parse(await response.json())
      select(origin.traceId)
      const who = origin.client === 'speaker' ? 'le speaker' : `participant ${origin.client}`
      last.value = { x, y, origin, text: `${where}${NBSP}: trace ${origin.traceId.slice(0, 8)}, par ${who}` }
    } catch {
      last.value = { x, y, origin: undefined, text: `${where}${NBSP}: provenance indisponible` }
    }
  }

  /** Listens before the stroke tracker: a provenance click must not paint. */
  function attach(canvas: HTMLCanvasElement): void {
    canvas.addEventListener(
      'pointerdown',
      (event) => {
        if (!toggled.value && !(event.altKey || event.ctrlKey || event.metaKey || event.shiftKey)) return
        event.stopImmediatePropagation()
        event.preventDefault()
        const [x, y] = boardCellAt(canvas, event)
        void lookUp(x, y)
      },
      { capture: true },
    )
  }

  return { toggled, last, attach }
}
