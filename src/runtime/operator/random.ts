// The operator modules' historical import path for the seeded PRNG; the generator lives in
// ../random.ts (one generator for the whole runtime).
export { seededRandom, type Random } from "../random.js";
