// The checker as a whole: the examples check clean, spaces are compared by provenance (never by
// dimension), errors accumulate, imports resolve relative to the importing file, and the API returns
// Either with a typed program.
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { checkAll, checkText, memoryFileHost, check } from "../../src/index.js";
import type { Expr, LetDecl } from "../../src/ast/nodes.js";
import { checkSource, codesOf } from "./helpers.js";

const examplesDir = new URL("../../examples/", import.meta.url).pathname;
const examples = readdirSync(examplesDir).filter((f) => f.endsWith(".lin"));

describe("examples", () => {
  it("there are examples to check", () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
  });
  for (const file of examples) {
    it(`${file} checks clean`, async () => {
      const result = await check(join(examplesDir, file));
      const diagnostics = E.isLeft(result) ? result.left : result.right.warnings;
      expect(diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
    });
  }
});

const twoNetworks = (use: string): string =>
  [
    "space X = R^784;",
    "network G : R^784 tagged { affine_coupling(hidden = 8); }",
    "network H : R^784 { affine_coupling(hidden = 8); }",
    "space Data = induced G[1];",
    "space Noise = induced G[0];",
    "space Data2 = induced H;",
    "space Same = induced G[1];",
    "map f : X -> Data = dense;",
    use,
  ].join("\n");

describe("space identity", () => {
  it("maps through spaces of equal dimension induced by different networks do not compose", () => {
    const out = checkSource(twoNetworks("map h : Data2 -> X = dense;\nlet k = h * f;"));
    expect(codesOf(out.diagnostics)).toEqual(["LIN0301"]);
    const d = out.diagnostics[0];
    expect(d.message).toContain("induced by G tag 1");
    expect(d.message).toContain("induced by H");
    expect(d.message).toContain("equal dimension 784 is not enough");
    // Related locations point at both spaces and both networks.
    const related = d.relatedInformation.map((r) => r.message).join(" | ");
    expect(related).toMatch(/Data declared here/);
    expect(related).toMatch(/network G declared here/);
    expect(related).toMatch(/Data2 declared here/);
    expect(related).toMatch(/network H declared here/);
    // The fix retargets h's domain to Data.
    expect(d.data.fix?.edits.map((e) => e.newText)).toEqual(["Data"]);
  });

  it("the same network with another tag is another space", () => {
    const out = checkSource(twoNetworks("map h : Noise -> X = dense;\nlet k = h * f;"));
    expect(codesOf(out.diagnostics)).toEqual(["LIN0301"]);
    expect(out.diagnostics[0].message).toContain("induced by G tag 0");
  });

  it("two declarations of the same induced space are one space (control)", () => {
    const out = checkSource(twoNetworks("map h : Same -> X = dense;\nlet k : X -> X = h * f;"));
    expect(out.diagnostics).toEqual([]);
  });

  it("Euclidean spaces are equal by shape, whatever their names; R^4 and R[2, 2] are not", () => {
    const ok = checkSource("space A = R^4;\nspace B = R^4;\nmap f : A -> A = dense;\nlet y : B = f(zero(B));");
    expect(ok.diagnostics).toEqual([]);
    const bad = checkSource("space A = R^4;\nspace B = R[2, 2];\nmap f : A -> A = dense;\nlet y = f(zero(B));");
    expect(codesOf(bad.diagnostics)).toEqual(["LIN0306"]);
  });

  it("vectors of different induced spaces of one dimension cannot be added", () => {
    const out = checkSource(twoNetworks("let s = zero(Data) + zero(Data2);"));
    expect(codesOf(out.diagnostics)).toEqual(["LIN0309"]);
    expect(out.diagnostics[0].data.because).toContain("equal dimension 784 is not enough");
  });
});

describe("typing rules", () => {
  const base = "space X = R^3;\nspace Y = R^2;\nmap f : X -> Y = dense;\n";
  const typeOfLet = (src: string, name: string): string | undefined => {
    const r = checkText(src, "/proj/t.lin", { root: "/proj" });
    if (E.isLeft(r)) throw new Error(r.left.map((d) => d.message).join("; "));
    const mod = r.right.modules.get("/proj/t.lin");
    const item = mod?.program.items.find((i): i is LetDecl => i.kind === "LetDecl" && i.name.name === name);
    const t = item ? r.right.typeOf(item.value as Expr) : undefined;
    if (!t) return undefined;
    if (t.kind === "Map") return `${t.domain.label?.name ?? t.domain.shape.join("x")} -> ${t.codomain.label?.name ?? t.codomain.shape.join("x")}`;
    if (t.kind === "Vector") return `vector ${t.space.label?.name ?? t.space.shape.join("x")}`;
    return t.kind;
  };

  it("pinv and adjoint swap domain and codomain; project lands in the codomain", () => {
    expect(typeOfLet(`${base}let p = pinv(f);`, "p")).toBe("Y -> X");
    expect(typeOfLet(`${base}let a = adjoint(f);`, "a")).toBe("Y -> X");
    expect(typeOfLet(`${base}let q = project(f);`, "q")).toBe("Y -> Y");
    expect(typeOfLet(`${base}let g = pinv(f) * f;`, "g")).toBe("X -> X");
  });

  it("svd factors live in the right spaces", () => {
    expect(typeOfLet(`${base}let u = svd(f).left[1];`, "u")).toBe("vector Y");
    expect(typeOfLet(`${base}let v = svd(f).right[0];`, "v")).toBe("vector X");
    expect(typeOfLet(`${base}let s = svd(f).values[1];`, "s")).toBe("Scalar");
    expect(typeOfLet(`${base}let r = svd(f).U * svd(f).S * svd(f).Vt;`, "r")).toBe("X -> Y");
    // Only min(3, 2) = 2 singular vectors exist.
    expect(codesOf(checkSource(`${base}let u = svd(f).left[2];`).diagnostics)).toEqual(["LIN0315"]);
  });

  it("an operator without a shape takes it from its map, and a second map of another shape is an error", () => {
    const r = checkText("space X = R^3;\nspace Y = R^2;\noperator A = dense;\nmap f : X -> Y = A;", "/proj/t.lin", { root: "/proj" });
    expect(E.isRight(r)).toBe(true);
    if (E.isRight(r)) {
      const op = r.right.modules.get("/proj/t.lin")?.operators[0];
      expect([op?.type.rows.value, op?.type.cols.value]).toEqual([2, 3]);
    }
    const bad = checkSource("space X = R^3;\nspace Y = R^2;\noperator A = dense;\nmap f : X -> Y = A;\nmap g : Y -> Y = A;");
    expect(codesOf(bad.diagnostics)).toEqual(["LIN0401"]);
    expect(bad.diagnostics[0].data.because.join(" ")).toContain("map f");
  });

  it("operator shape errors point at where each clashing shape was written or inferred", () => {
    const at = (d: { relatedInformation: readonly { location: { range: { start: { line: number; character: number } } } }[] }): string[] =>
      d.relatedInformation.map((r) => `${r.location.range.start.line + 1}:${r.location.range.start.character + 1}`);
    // LIN0401: the operator's written shape (line 3, the name A); LIN0402 / LIN0403: both operands' shapes.
    const map = checkSource("space X = R^3;\nspace Y = R^2;\noperator A[4, 3] = dense;\nmap f : X -> Y = A;");
    expect(codesOf(map.diagnostics)).toEqual(["LIN0401"]);
    expect(at(map.diagnostics[0])).toContain("3:10");
    const product = checkSource("operator A[2, 3] = dense;\noperator B[2, 2] = dense;\noperator C = A * B;");
    expect(codesOf(product.diagnostics)).toEqual(["LIN0402"]);
    expect(at(product.diagnostics[0])).toEqual(["1:10", "2:10"]);
    const sum = checkSource("operator A[2, 3] = dense;\noperator B[2, 2] = dense;\noperator C = A + B;");
    expect(codesOf(sum.diagnostics)).toEqual(["LIN0403"]);
    expect(at(sum.diagnostics[0])).toEqual(["1:10", "2:10"]);
    // Control: a shape inferred from a map points at that map (line 4, the name f), not at the operator.
    const inferred = checkSource("space X = R^3;\nspace Y = R^2;\noperator A = dense;\nmap f : X -> Y = A;\nmap g : Y -> Y = A;");
    expect(at(inferred.diagnostics[0])).toContain("4:5");
    expect(at(inferred.diagnostics[0])).not.toContain("3:10");
  });

  it("time-conditioned operators are square, and a time-conditioned map needs a time before it is applied", () => {
    const tc = "space X = R^3;\noperator A = time_conditioned(rank = 1);\nmap v : X -> X = A;\n";
    expect(checkSource(`${tc}let y = at(v, 0.5)(zero(X));\nlet b = sampler(v, method = rk4, steps = 10);\nlet z = b(zero(X));`).diagnostics).toEqual([]);
    expect(codesOf(checkSource(`${tc}let y = v(zero(X));`).diagnostics)).toEqual(["LIN0316"]);
    expect(codesOf(checkSource("space X = R^3;\nspace Y = R^2;\noperator A = time_conditioned(rank = 1);\nmap v : X -> Y = A;").diagnostics)).toEqual(["LIN0401"]);
  });

  it("verify equal, idempotent and projector need a time-conditioned map at a fixed time (LIN0316; control: linear and at(v, t) pass)", () => {
    const tc = "space X = R^3;\noperator A = time_conditioned(rank = 1);\nmap v : X -> X = A;\nmap w : X -> X = dense;\n";
    for (const law of ["equal(v, w)", "equal(w, v)", "idempotent(v)", "projector(v)"]) {
      const out = checkSource(`${tc}verify ${law};`);
      expect(codesOf(out.diagnostics), law).toEqual(["LIN0316"]);
      expect(out.diagnostics[0].message).toContain("needs a map at a fixed time");
      // On the time-conditioned argument, line 5 of the spec.
      expect(out.diagnostics[0].range.start.line).toBe(4);
    }
    for (const law of ["linear(v)", "equal(at(v, 0.5), w)", "idempotent(at(v, 0.5))", "projector(at(v, 0.5))"]) {
      expect(checkSource(`${tc}verify ${law};`).diagnostics, law).toEqual([]);
    }
  });

  it("the exponent of f ^ k is a constant whole number: literals and folded constant expressions (control: 0.5, −1, 2⁶⁶, norm(x) are LIN0317)", () => {
    const xf = "space X = R^3;\nmap f : X -> X = dense;\n";
    for (const k of ["2", "(1 + 1)", "(6 / 3)", "(2 ^ 2)"]) expect(checkSource(`${xf}let g = f ^ ${k};`).diagnostics, k).toEqual([]);
    expect(checkSource(`${xf}let k = 2;\nlet g = f ^ k;`).diagnostics).toEqual([]);
    const bad = (src: string): string[] => checkSource(src).diagnostics.map((d) => `${d.code} ${d.message}`);
    expect(bad(`${xf}let k = 0.5;\nlet g = f ^ k;`)).toEqual(["LIN0317 the exponent `k` (= 0.5) is not a non-negative whole number"]);
    expect(bad(`${xf}let g = f ^ (1 - 2);`)).toEqual(["LIN0317 the exponent `(1 - 2)` (= -1) is not a non-negative whole number"]);
    expect(bad(`${xf}let g = f ^ 0.5;`)).toEqual(["LIN0317 the exponent `0.5` is not a non-negative whole number"]);
    // 2⁶⁶ is an integer in float64 but not an exact count: refused (it was accepted).
    expect(bad(`${xf}let g = f ^ (2 ^ 66);`)).toEqual(["LIN0317 the exponent `(2 ^ 66)` (= 73786976294838210000) exceeds 2⁵³ − 1"]);
    expect(bad(`${xf}entry e(x : X) = (f ^ norm(x))(x);`)).toEqual(["LIN0317 the exponent `norm(x)` is not a constant"]);
  });

  it("a sampler takes steps ≥ 2 (T − 1 steps are run; control: steps = 1 is LIN0319)", () => {
    const tc = "space X = R^3;\noperator A = time_conditioned(rank = 1);\nmap v : X -> X = A;\n";
    expect(checkSource(`${tc}let b = sampler(v, steps = 2);`).diagnostics).toEqual([]);
    const bad = checkSource(`${tc}let b = sampler(v, steps = 1);`);
    expect(codesOf(bad.diagnostics)).toEqual(["LIN0319"]);
    expect(bad.diagnostics[0].message).toContain("an integer ≥ 2");
  });

  it("diagonal operators may be rectangular (control: identity may not)", () => {
    expect(checkSource("space X = R^3;\nspace Y = R^2;\nmap f : X -> Y = diagonal;\noperator D[2, 5] = diagonal;").diagnostics).toEqual([]);
    expect(codesOf(checkSource("operator D[2, 5] = identity;").diagnostics)).toEqual(["LIN0404"]);
  });

  it("squeeze tracks the shape through repeats", () => {
    expect(checkSource("network G : R[1, 8, 8] { repeat 3 { squeeze; } }").diagnostics).toEqual([]);
    const bad = checkSource("network G : R[1, 8, 8] { repeat 4 { squeeze; } }");
    expect(codesOf(bad.diagnostics)).toEqual(["LIN0505"]);
    expect(bad.diagnostics[0].message).toContain("[64, 1, 1]");
  });

  it("a let cycle is reported as recursion, naming the cycle", () => {
    const out = checkSource("space X = R^2;\nlet a = b + zero(X);\nlet b = a;");
    expect(codesOf(out.diagnostics)).toEqual(["LIN0204"]);
    expect(out.diagnostics[0].message).toContain("a -> b -> a");
  });
});

describe("accumulation", () => {
  it("reports every error in one run, without cascades from poisoned names", () => {
    const src = [
      "space X = R^2;",
      "map f : X -> Nowhere = dense;", // LIN0201
      "let g = f * f;", // f is poisoned: nothing more
      "network G : R^2 { acnorm; affine_coupling(hidden = 0); }", // LIN0501, LIN0503
      "verify linearity(g);", // LIN0601
      "train t { model = g; }", // LIN0606
    ].join("\n");
    expect(codesOf(checkSource(src).diagnostics)).toEqual(["LIN0201", "LIN0501", "LIN0503", "LIN0601", "LIN0606"]);
  });

  it("the Either is Left with all errors, errors before warnings", () => {
    const r = checkText("operator W = dense;\nspace X = R^2;\nlet a = b;\nlet c = d;", "/proj/t.lin", { root: "/proj" });
    expect(E.isLeft(r)).toBe(true);
    if (E.isLeft(r)) expect(r.left.map((d) => d.code)).toEqual(["LIN0201", "LIN0201", "LIN0409"]);
  });

  it("warnings ride along in a Right", () => {
    const r = checkText("operator W = dense;", "/proj/t.lin", { root: "/proj" });
    expect(E.isRight(r) && r.right.warnings.map((d) => d.code)).toEqual(["LIN0409"]);
  });
});

describe("imports", () => {
  const nets = "space Plane = R^2;\nnetwork F : Plane { actnorm; }\nspace Latent = induced F;\nmap flip : Latent -> Latent = orthogonal;";

  it("resolve relative to the importing file, with qualified names", () => {
    const files = { "/proj/lib/nets.lin": nets, "/proj/lib/more.lin": 'import "./nets.lin" as n;\nmap g : n.Latent -> n.Latent = identity;' };
    const out = checkSource('import "./lib/more.lin" as m;\nimport "./lib/nets.lin" as nets;\nlet h = m.g * nets.flip;', files);
    expect(out.diagnostics).toEqual([]);
  });

  it("a space imported through two paths is one space; a same-named local network is another", () => {
    const files = { "/proj/nets.lin": nets };
    const same = checkSource('import "./nets.lin" as a;\nimport "./nets.lin" as b;\nlet h = a.flip * b.flip;', files);
    expect(same.diagnostics).toEqual([]);
    const local = checkSource('import "./nets.lin" as a;\nnetwork F : R^2 { actnorm; }\nspace L = induced F;\nmap g : L -> L = identity;\nlet h = g * a.flip;', files);
    expect(codesOf(local.diagnostics)).toEqual(["LIN0301"]);
  });

  it("names resolve to their declarations, qualified names into the imported module", () => {
    const host = memoryFileHost({ "/proj/nets.lin": nets });
    const r = checkText('import "./nets.lin" as nets;\nlet h = nets.flip * nets.flip;', "/proj/main.lin", { host, root: "/proj" });
    expect(E.isRight(r)).toBe(true);
    if (E.isLeft(r)) return;
    const item = r.right.modules.get("/proj/main.lin")?.program.items[1];
    const value = item?.kind === "LetDecl" ? item.value : undefined;
    const left = value?.kind === "Binary" ? value.left : undefined;
    const sym = left?.kind === "Member" ? r.right.symbolOf(left) : undefined;
    expect([sym?.name, sym?.kind, sym?.uri]).toEqual(["flip", "map", "/proj/nets.lin"]);
    expect(r.right.modules.get("/proj/nets.lin")?.networks.map((n) => n.name)).toEqual(["F"]);
  });

  it("errors inside an imported file are reported in that file", () => {
    const out = checkSource('import "./bad.lin" as b;', { "/proj/bad.lin": "space X = R^2;\nlet y = nope;" });
    expect(out.diagnostics.map((d) => [d.code, d.uri])).toEqual([["LIN0201", "/proj/bad.lin"]]);
  });

  it("the project root is the nearest folder with a marker, unless given", () => {
    const host = memoryFileHost({ "/w/p/package.json": "{}", "/w/p/src/main.lin": 'import "../lib.lin" as l;', "/w/p/lib.lin": "space X = R^1;", "/w/lib2.lin": "" });
    const inside = checkText('import "../lib.lin" as l;', "/w/p/src/main.lin", { host });
    expect(E.isRight(inside)).toBe(true);
    const outside = checkText('import "../../lib2.lin" as l;', "/w/p/src/main.lin", { host });
    expect(E.isLeft(outside) && outside.left.map((d) => d.code)).toEqual(["LIN0207"]);
    const widened = checkText('import "../../lib2.lin" as l;', "/w/p/src/main.lin", { host, root: "/w" });
    expect(E.isRight(widened)).toBe(true);
  });
});

describe("did-you-mean", () => {
  const fixOf = (text: string): string | undefined => checkSource(text).diagnostics[0]?.data.fix?.title;
  const spec = "space X = R^2;\nmap Zf : X -> X = dense;\noperator Zop[2, 2] = dense;\n";

  it("suggests an operator where an operator is wanted, never a map of a closer name", () => {
    // `Zo` is one edit from both Zf (a map) and Zop (an operator); only the operator fits here.
    const title = fixOf(`${spec}map g : X -> X = Zo;\n`);
    expect(title).toContain("Zop");
    expect(title).not.toContain("Zf");
    // Nothing of the right kind close by: no suggestion rather than a map.
    expect(fixOf(`${spec}map g : X -> X = Z;\n`) ?? "").not.toContain("Zf");
  });

  it("control: where a map is wanted, the map of that name is suggested", () => {
    expect(fixOf(`${spec}let h = Zg;\n`)).toContain("Zf");
  });
});

describe("the import boundary on disk", () => {
  it("follows symbolic links: a link inside the project to a file outside is LIN0207; control: a link to a file inside checks", () => {
    const base = mkdtempSync(join(tmpdir(), "linea-links-"));
    const project = join(base, "project");
    mkdirSync(join(project, "sub"), { recursive: true });
    writeFileSync(join(project, "linea.json"), "{}\n");
    writeFileSync(join(base, "outside.lin"), "space Secret = R^2;\n");
    writeFileSync(join(project, "inside.lin"), "space Shared = R^2;\n");
    symlinkSync(join(base, "outside.lin"), join(project, "sub", "out.lin"));
    symlinkSync(join(project, "inside.lin"), join(project, "sub", "in.lin"));
    const main = (path: string, member: string): string => {
      const file = join(project, `main-${member}.lin`);
      writeFileSync(file, `import "${path}" as m;\nspace X = m.${member};\n`);
      return file;
    };
    const escaped = checkAll(main("sub/out.lin", "Secret"));
    expect(codesOf(escaped.diagnostics)).toEqual(["LIN0207"]);
    // The outside file was never read, so no code frame can show its text.
    expect(escaped.sources.has(join(base, "outside.lin"))).toBe(false);
    expect(escaped.diagnostics[0]?.data.because.join(" ")).toContain(join(base, "outside.lin"));
    expect(checkAll(main("sub/in.lin", "Shared")).diagnostics).toEqual([]);
  });
});
