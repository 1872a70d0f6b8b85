// Which trace the audience is looking at, shared between slides' components: picking a log
// line in LiveLogs, a point of a LiveMetrics chart or a pixel of the board selects its trace in
// LiveTraces, on the same slide or the next one.
import { ref, shallowRef } from 'vue'
import type { Exemplar } from '../lib/exemplar-pick.ts'

const selectedTraceId = ref<string | undefined>()
// The chart point the selection came from, drawn as a dot while that trace stays selected.
const exemplar = shallowRef<Exemplar | undefined>()

export function useSelectedTrace() {
  return {
    selectedTraceId,
    exemplar,
    select: (traceId: string | undefined) => {
      if (exemplar.value?.traceId !== traceId) exemplar.value = undefined
      selectedTraceId.value = traceId
    },
    /** Selects a chart's exemplar: its trace, and the dot that marks it on the chart. */
    selectExemplar: (chosen: Exemplar) => {
      exemplar.value = chosen
      selectedTraceId.value = chosen.traceId
    },
  }
}
