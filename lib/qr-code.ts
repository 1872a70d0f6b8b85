// QR codes drawn locally (no service: the talk runs offline), as one SVG path.
import qrcode from 'qrcode-generator'

export interface QrCode {
  /** Modules per side, without the quiet zone. */
  size: number
  /** Dark modules as an SVG path, one unit per module. */
  path: string
}

/** The dark modules, row by row. Error correction M: readable despite a glare on the screen. */
export function qrModules(text: string): boolean[][] {
  const qr = qrcode(0, 'M')
  qr.addData(text, 'Byte')
  qr.make()
  const size = qr.getModuleCount()
  return Array.from({ length: size }, (_, row) => Array.from({ length: size }, (_, col) => qr.isDark(row, col)))
}

export function qrCode(text: string): QrCode {
  const modules = qrModules(text)
  const path = modules
    .flatMap((cells, row) => cells.map((dark, col) => (dark ? `M${col} ${row}h1v1h-1z` : '')))
    .join('')
  return { size: modules.length, path }
}
