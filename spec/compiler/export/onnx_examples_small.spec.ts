// The "small" examples exported to ONNX and run on onnxruntime-node against run on wasm (examples_onnx.ts).
import { expect, it } from "vitest";
import { join } from "node:path";
import { checkAll } from "../../../src/index.js";
import { lower } from "../../../src/compiler/lowering/lower.js";
import { CHECK_ONLY, exampleFiles, examplesDir, exportExamples, GROUPS, STYLE_MIX, type Example } from "./examples_onnx.js";

exportExamples(GROUPS.small);

it("the groups cover every example but the check-only ones, and style_mix's halves all its targets", () => {
  const grouped = new Set(Object.values(GROUPS).flatMap((g) => g.map((e: Example) => (typeof e === "string" ? e : e.file))));
  expect([...grouped].sort()).toEqual(exampleFiles.filter((f) => !CHECK_ONLY.has(f)));
  const symbolic = lower(checkAll(join(examplesDir, "style_mix.lin")).program ?? expect.fail("style_mix.lin did not check"));
  expect([...STYLE_MIX.operators, ...STYLE_MIX.arithmetic].sort()).toEqual([...symbolic.entries.keys(), ...symbolic.maps.keys()].sort());
});
