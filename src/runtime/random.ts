// The one seeded float64 PRNG of the runtime, for reproducible initialisation (operator parameters,
// network weights, permutations, test data). tfjs's seeded ops produce float32 tensors and differ
// between backends, so a small host generator is used instead. mulberry32 is a well-known 32-bit
// generator: fast, seedable, deterministic in every JS engine, adequate for initialisation (not for
// cryptography). Normals come from Box–Muller, both halves of each pair used.

/** A seeded source of uniform and normal numbers. */
export interface Random {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
}

export class Rng implements Random {
  private state: number;
  /** The second normal of the last Box–Muller pair, not yet returned. */
  private spare: number | undefined;

  constructor(seed: number) {
    this.state = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  }

  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    // 1 − u keeps the logarithm's argument in (0, 1].
    const radius = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const angle = 2 * Math.PI * this.uniform();
    this.spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  uniformArray(n: number, lo: number, hi: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * this.uniform();
    return out;
  }

  normalArray(n: number, std = 1): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = std * this.normal();
    return out;
  }

  /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}

/**
 * A fresh generator for `seed` as plain closures, so `uniform` and `normal` may be passed around
 * detached from their object (e.g. `Array.from({ length }, random.normal)`).
 */
export function seededRandom(seed: number): Random {
  const rng = new Rng(seed);
  return { uniform: () => rng.uniform(), normal: () => rng.normal() };
}

/** A child seed for sub-component `index`, so blocks get independent but reproducible streams. */
export function deriveSeed(seed: number, index: number): number {
  let h = (Math.floor(seed) * 0x85ebca6b + index * 0xc2b2ae35 + 0x27d4eb2f) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d) >>> 0;
  h ^= h >>> 15;
  return h >>> 0;
}
