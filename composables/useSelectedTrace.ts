// Which trace the audience is looking at, shared between slides' components: picking a log
// line in LiveLogs selects its trace in LiveTraces.
import { ref } from 'vue'

const selectedTraceId = ref<string | undefined>()

export function useSelectedTrace() {
  return {
    selectedTraceId,
    select: (traceId: string | undefined) => (selectedTraceId.value = traceId),
  }
}
