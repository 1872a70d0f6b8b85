// Image ids are short and readable ("ocean-042") so a speaker can say them out loud.

export const IMAGE_ID_PATTERN = /^[A-Za-z0-9-]{1,30}$/

const WORDS = [
  'amber', 'aurora', 'basalt', 'breeze', 'cedar', 'comet', 'coral', 'delta', 'ember', 'fjord',
  'galaxy', 'harbor', 'indigo', 'jade', 'lagoon', 'lunar', 'maple', 'meadow', 'nebula', 'ocean',
  'orbit', 'pixel', 'prism', 'quartz', 'river', 'saffron', 'sierra', 'tundra', 'velvet', 'zephyr',
]

export function randomImageId(random: () => number = Math.random): string {
  const word = WORDS[Math.floor(random() * WORDS.length)]
  const number = String(Math.floor(random() * 1000)).padStart(3, '0')
  return `${word}-${number}`
}
