// Which replica listens on which loopback port. The replica set writes it as it starts and
// removes replicas; the OTel bootstrap reads it to give each of the balancer's client spans its
// `peer.service`, so a call refused by a dead replica still names whom it was for (a red edge
// of the service map, not silence). Imports nothing: the bootstrap loads it before the app.
const byPort = new Map<number, string>()

export function notePeer(port: number, serviceName: string): void {
  byPort.set(port, serviceName)
}

export function forgetPeer(port: number): void {
  byPort.delete(port)
}

/** The service listening on this loopback port, if it is one of the replicas. */
export function peerServiceAt(port: unknown): string | undefined {
  return byPort.get(Number(port))
}
