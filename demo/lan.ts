// LAN mode (`npm run dev -- --lan`): the address the audience's phones reach this machine at.
// One function, so the URL the dev command prints and the QR code on the slide always agree.
import { networkInterfaces } from 'node:os'

/** The first IPv4 address of a non-loopback interface, if the machine has one. */
export function lanAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((address) => address && address.family === 'IPv4' && !address.internal)?.address
}

/** The URL of a page served on `port`, as the audience should open it. */
export function audienceUrl(port: number, lan: boolean): { lan: boolean; url: string } {
  const address = lan ? lanAddress() : undefined
  return address ? { lan: true, url: `http://${address}:${port}/` } : { lan: false, url: `http://localhost:${port}/` }
}
