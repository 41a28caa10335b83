import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["spec/**/*.spec.ts"],
    setupFiles: ["spec/support/fast-check-seed.ts"],
    // tfjs backends are process-global singletons: one worker per file keeps them isolated.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
