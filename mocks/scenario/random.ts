// Every random choice in the simulator comes from here, seeded, so a run can be replayed
// exactly: never Math.random(), never Date.now().

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number
  float(min: number, max: number): number
  chance(probability: number): boolean
  pick<T>(items: readonly T[]): T
  /** Exponentially distributed with the given mean: the gap between arrivals of a Poisson process. */
  exp(mean: number): number
  weighted<T>(entries: readonly (readonly [T, number])[]): T
  hex(length: number): string
}

/** mulberry32: tiny, fast, and good enough for a simulation. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    float: (min, max) => min + next() * (max - min),
    chance: (probability) => next() < probability,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list')
      return items[Math.floor(next() * items.length)]!
    },
    exp: (mean) => -Math.log(1 - next()) * mean,
    weighted: (entries) => {
      let total = 0
      for (const [, weight] of entries) total += weight
      let roll = next() * total
      for (const [value, weight] of entries) {
        roll -= weight
        if (roll < 0) return value
      }
      return entries[entries.length - 1]![0]
    },
    hex: (length) => {
      let out = ''
      while (out.length < length)
        out += Math.floor(next() * 0x100000000)
          .toString(16)
          .padStart(8, '0')
      return out.slice(0, length)
    },
  }
  return rng
}

/** FNV-1a: derives stable sub-seeds (one per build's log) from strings. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}
