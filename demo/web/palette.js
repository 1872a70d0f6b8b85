// The colour picker: one button per palette colour plus a free colour input,
// kept in sync so the pressed swatch always matches the current colour.
import { PALETTE } from './drawing.js';

/**
 * @param {HTMLElement} container receives the swatch buttons
 * @param {HTMLInputElement} input an <input type="color">
 * @param {(hex: string) => void} onChange
 */
export function mountPalette(container, input, onChange) {
  for (const { name, hex } of PALETTE) {
    const swatch = Object.assign(document.createElement('button'), { type: 'button', className: 'swatch', title: name });
    swatch.dataset.hex = hex;
    swatch.style.setProperty('--swatch', hex);
    swatch.setAttribute('aria-label', name);
    container.append(swatch);
  }

  /** @param {string} hex */
  function select(hex) {
    input.value = hex;
    for (const swatch of /** @type {HTMLCollectionOf<HTMLElement>} */ (container.children)) {
      swatch.setAttribute('aria-pressed', String(swatch.dataset.hex === hex));
    }
    onChange(hex);
  }

  container.addEventListener('click', (e) => {
    const swatch = /** @type {HTMLElement} */ (e.target).closest('.swatch');
    if (swatch instanceof HTMLElement && swatch.dataset.hex) select(swatch.dataset.hex);
  });
  input.addEventListener('input', () => select(input.value));
  select(PALETTE[0].hex);
}
