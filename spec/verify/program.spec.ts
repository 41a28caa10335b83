// verificationOf: a checked spec's verify statements become law checks on the values `linea run`
// binds; --all adds the laws of every declaration (projections recognised in float64, the optimised
// form of a composition checked against the composition as written).
import { isRight } from "fp-ts/lib/Either.js";
import { beforeAll, describe, expect, it } from "vitest";
import { checkText } from "../../src/index.js";
import type { CheckedProgram } from "../../src/compiler/checker/checked.js";
import { verificationOf } from "../../src/verify/program.js";

const SPEC = `space X = R^4;
space Y = R^3;
network G : X { additive_coupling(hidden = 8, depth = 1, activation = tanh); }
network H : Y { additive_coupling(hidden = 8, depth = 1, activation = tanh); }
space Z = induced G;
space W = induced H;
map f : Z -> W = dense;
map g : W -> Z = dense;
let h = g * f;
let p = project(f);
verify linear(h);
verify equal(g * f, h);
verify axioms(Z);
`;

let program: CheckedProgram;

beforeAll(() => {
  process.env.LINEA_BACKEND = process.env.LINEA_BACKEND ?? "cpu";
  const checked = checkText(SPEC, "/virtual/spec.lin");
  if (!isRight(checked)) throw new Error("the fixture spec must check");
  program = checked.right;
});

describe("verificationOf", () => {
  it("turns each verify statement into its law's checks, in order, with labels from the source", async () => {
    const v = await verificationOf(program, {}, SPEC);
    try {
      expect(v.targets.map((t) => t.label)).toEqual(["verify linear(h)", "verify equal(g * f, h)", "verify axioms(Z)"]);
      expect(v.targets.map((t) => t.checks[0]?.law)).toEqual(["linear", "equal", "axioms"]);
      for (const t of v.targets) for (const c of t.checks) expect((await c.run({ runs: 5, seed: 1 })).passed, `${c.law}: ${c.property}`).toBe(true);
    } finally {
      v.dispose();
    }
  });

  it("--all adds the projector laws for project(f) and checks the fused composition against the written one", async () => {
    const v = await verificationOf(program, { all: true }, SPEC);
    try {
      const laws = (label: string): string[] => v.targets.find((t) => t.label === label)?.checks.map((c) => c.law) ?? [];
      expect(laws("network G")).toEqual(expect.arrayContaining(["roundtrip", "axioms"]));
      expect(laws("let p")).toEqual(expect.arrayContaining(["idempotent", "projector"]));
      expect(laws("let h")).toContain("composition");
      expect(laws("map f")).not.toContain("projector");
    } finally {
      v.dispose();
    }
  });
});
