// The network modules' historical import path for the seeded PRNG; the generator lives in
// ../random.ts (one generator for the whole runtime).
export { Rng, deriveSeed } from "../random.js";
