// Property tests draw a new seed on every local run (fast-check prints it with any counterexample, so a
// failure replays with LINEA_FC_SEED=<seed>). CI replays one fixed seed, so whether a change lands is
// decided by the change, not by the draw.
import fc from "fast-check";

const fixed = process.env.LINEA_FC_SEED ?? (process.env.CI ? "20261122" : undefined);
if (fixed !== undefined) fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: Number(fixed) });
