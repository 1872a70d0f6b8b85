// Preloaded into Slidev by scripts/dev.ts, which starts it with an IPC channel. The channel
// closes when `npm run dev` goes, even killed with SIGKILL, where no signal reaches Slidev: it
// then stops as on Ctrl-C instead of holding the slides' port. Plain JavaScript: every Node of
// the engines range loads it without type stripping.
process.channel?.unref()
process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'))
