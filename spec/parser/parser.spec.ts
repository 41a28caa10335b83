import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Expr } from "../../src/ast/nodes.js";
import { parse, print } from "../../src/parser/index.js";
import { applyEdits, diagnosticProblems, nodesOf, rangeProblem } from "./helpers.js";
import { withoutRanges } from "./arbitraries.js";

const examplesDir = join(import.meta.dirname, "../../examples");
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith(".lin"))
  .map((f) => ({ name: f, text: readFileSync(join(examplesDir, f), "utf8") }));

function onlyExpr(text: string): Expr {
  const { program, diagnostics } = parse(`let e = ${text};`);
  expect(diagnostics).toEqual([]);
  const item = program.items[0];
  if (item?.kind !== "LetDecl") throw new Error("expected a let");
  return item.value;
}

/** A compact rendering of an expression's structure, to assert precedence. */
function shape(e: Expr): string {
  switch (e.kind) {
    case "Number":
      return e.text;
    case "String":
      return JSON.stringify(e.value);
    case "Name":
      return e.name.name;
    case "Member":
      return `${shape(e.object)}.${e.name.name}`;
    case "Call":
      return `${shape(e.callee)}(${e.args.map((a) => (a.name ? `${a.name.name}=` : "") + shape(a.value)).join(",")})`;
    case "Index":
      return `${shape(e.object)}[${shape(e.index)}]`;
    case "Binary":
      return `(${shape(e.left)} ${e.op} ${shape(e.right)})`;
    case "Unary":
      return `(-${shape(e.operand)})`;
    case "List":
      return `[${e.items.map(shape).join(",")}]`;
    case "MissingExpr":
      return "?";
  }
}

describe("examples", () => {
  it("there are at least five", () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
  });

  for (const { name, text } of examples) {
    it(`${name} parses without diagnostics`, () => {
      const { diagnostics, program } = parse(text, name);
      expect(diagnostics).toEqual([]);
      expect(program.items.length).toBeGreaterThan(0);
    });

    it(`${name}: every node's range is valid, inside its parent, and names/numbers cover their text`, () => {
      const { program } = parse(text, name);
      for (const { node, parent } of nodesOf(program)) {
        expect(rangeProblem(node.range, text), node.kind).toBeUndefined();
        if (parent !== undefined) {
          expect(node.range.start.offset).toBeGreaterThanOrEqual(parent.range.start.offset);
          expect(node.range.end.offset).toBeLessThanOrEqual(parent.range.end.offset);
        }
        const slice = text.slice(node.range.start.offset, node.range.end.offset);
        if (node.kind === "Ident") expect(slice).toBe(node.name);
        if (node.kind === "Number") expect(slice).toBe(node.text);
        if (node.kind === "String") expect(slice.startsWith('"') && slice.endsWith('"')).toBe(true);
      }
      for (const item of program.items) {
        const last = text.slice(item.range.start.offset, item.range.end.offset).trimEnd();
        expect(last.endsWith(";") || last.endsWith("}"), item.kind).toBe(true);
      }
    });
  }

  it("together use every construct of docs/language.md", () => {
    const all = examples.map(({ name, text }) => ({ text, program: parse(text, name).program }));
    const everyNode = all.flatMap(({ program }) => nodesOf(program).map((n) => n.node));
    const kinds = new Set(everyNode.map((n) => n.kind));
    for (const k of ["Import", "SpaceDecl", "NetworkDecl", "OperatorDecl", "MapDecl", "LetDecl", "EntryDecl", "Verify", "TrainDecl"]) {
      expect(kinds, k).toContain(k);
    }
    for (const k of [
      "Number",
      "String",
      "Name",
      "Member",
      "Call",
      "Index",
      "Binary",
      "Unary",
      "Repeat",
      "Layer",
      "MapType",
      "ScalarType",
      "InducedSpace",
      "EuclideanSpace",
      "SpaceRef",
      "Param",
      "TrainField",
    ]) {
      expect(kinds, k).toContain(k);
    }
    const ops = new Set(everyNode.flatMap((n) => (n.kind === "Binary" ? [n.op] : [])));
    expect([...ops].sort()).toEqual(["*", "+", "-", "/", "^"]);
    const layers = new Set(everyNode.flatMap((n) => (n.kind === "Layer" ? [n.name.name] : [])));
    for (const l of ["affine_coupling", "additive_coupling", "actnorm", "permute", "inv_dense", "squeeze"]) expect(layers, l).toContain(l);
    const callees = new Set(everyNode.flatMap((n) => (n.kind === "Call" && n.callee.kind === "Name" ? [n.callee.name.name] : n.kind === "Name" ? [n.name.name] : [])));
    for (const c of [
      "dense",
      "diagonal",
      "identity",
      "scaled_identity",
      "lowrank",
      "identity_plus_lowrank",
      "orthogonal",
      "svd_factored",
      "projector",
      "time_conditioned",
      "transpose",
      "pinv",
      "at",
      "adjoint",
      "project",
      "svd",
      "id",
      "sampler",
      "zero",
      "inner",
      "norm",
    ]) {
      expect(callees, c).toContain(c);
    }
    const laws = new Set(everyNode.flatMap((n) => (n.kind === "Verify" ? [n.law.name] : [])));
    for (const l of ["linear", "roundtrip", "adjoint", "pinv", "svd", "idempotent", "projector", "equal", "axioms", "one_step"]) expect(laws, l).toContain(l);
    const members = new Set(everyNode.flatMap((n) => (n.kind === "Member" ? [n.name.name] : [])));
    for (const m of ["U", "S", "Vt", "left", "right", "values"]) expect(members, m).toContain(m);
    const spaces = everyNode.flatMap((n) => (n.kind === "EuclideanSpace" ? [n.form] : n.kind === "InducedSpace" ? [n.tag ? "tag" : "untagged"] : []));
    for (const f of ["power", "shape", "tag", "untagged"]) expect(spaces, f).toContain(f);
    expect(everyNode.some((n) => n.kind === "NetworkDecl" && n.tagged)).toBe(true);
    expect(everyNode.some((n) => n.kind === "OperatorDecl" && n.shape?.length === 2)).toBe(true);
    expect(everyNode.some((n) => n.kind === "OperatorDecl" && n.shape?.length === 1)).toBe(true);
    expect(everyNode.some((n) => n.kind === "OperatorDecl" && n.shape === undefined)).toBe(true);
    expect(everyNode.some((n) => n.kind === "SpaceRef" && n.ref.kind === "Member")).toBe(true);
    const text = all.map((a) => a.text).join("\n");
    for (const s of ["ℝ", "∘", "→", "//", "/*", '\\"', "e-", "E-"]) expect(text, s).toContain(s);
    const imports = everyNode.flatMap((n) => (n.kind === "Import" ? [n.path.value] : []));
    for (const path of imports) expect(examples.map((e) => `./${e.name}`)).toContain(path);
  });
});

describe("expressions", () => {
  it("binds by the documented precedence", () => {
    expect(shape(onlyExpr("a + b * c - d"))).toBe("((a + (b * c)) - d)");
    expect(shape(onlyExpr("a / b * c"))).toBe("((a / b) * c)");
    expect(shape(onlyExpr("-x ^ 2"))).toBe("(-(x ^ 2))");
    expect(shape(onlyExpr("a ^ b ^ c"))).toBe("(a ^ (b ^ c))");
    expect(shape(onlyExpr("A ^ -1"))).toBe("(A ^ (-1))");
    expect(shape(onlyExpr("-a * b"))).toBe("((-a) * b)");
    expect(shape(onlyExpr("g ∘ f ∘ h"))).toBe("((g * f) * h)");
    expect(shape(onlyExpr("svd(f).left[0]"))).toBe("svd(f).left[0]");
    expect(shape(onlyExpr("pinv(f)(y) + nets.G"))).toBe("(pinv(f)(y) + nets.G)");
    expect(shape(onlyExpr("(a + b) * c"))).toBe("((a + b) * c)");
    expect(shape(onlyExpr('lowrank(rank = 4, "p", 1e-3)'))).toBe('lowrank(rank=4,"p",1e-3)');
  });

  it("a parenthesised expression's range covers its parentheses", () => {
    const text = "let e = (a + b) * c;";
    const e = parse(text).program.items[0];
    if (e?.kind !== "LetDecl" || e.value.kind !== "Binary") throw new Error("shape");
    expect(text.slice(e.value.left.range.start.offset, e.value.left.range.end.offset)).toBe("(a + b)");
    expect(text.slice(e.value.range.start.offset, e.value.range.end.offset)).toBe("(a + b) * c");
  });
});

describe("items", () => {
  it("builds each item form", () => {
    const text = [
      'import "./nets.lin" as nets;',
      "space Img = R[1, 28, 28];",
      "space Data = induced nets.G[1];",
      "network G : Img tagged { actnorm; repeat 2 { permute(reverse); } }",
      "operator A[784, 10] = dense;",
      "map f : Img -> Data = 0.5 * A;",
      "let h : Img -> Data = f;",
      "let s : scalar = norm(x);",
      "entry sample(x : Img, y : nets.Z) = f(x);",
      "verify linear(f) with runs = 5, seed = 1;",
      "train t { model = f; steps = 3; }",
    ].join("\n");
    const { program, diagnostics } = parse(text);
    expect(diagnostics).toEqual([]);
    const [imp, img, data, net, op, map, let1, let2, entry, verify, train] = program.items;
    expect(imp).toMatchObject({ kind: "Import", path: { value: "./nets.lin" }, alias: { name: "nets" } });
    expect(img).toMatchObject({ value: { kind: "EuclideanSpace", shape: [1, 28, 28], form: "shape" } });
    expect(data).toMatchObject({ value: { kind: "InducedSpace", network: { kind: "Member", name: { name: "G" } }, tag: { value: 1 } } });
    expect(net).toMatchObject({
      kind: "NetworkDecl",
      tagged: true,
      blocks: [
        { kind: "Layer", name: { name: "actnorm" } },
        { kind: "Repeat", count: { value: 2 } },
      ],
    });
    expect(net?.kind === "NetworkDecl" && net.blocks[0]?.kind === "Layer" && "args" in net.blocks[0]).toBe(false);
    expect(op).toMatchObject({ kind: "OperatorDecl", shape: [{ value: 784 }, { value: 10 }] });
    expect(map).toMatchObject({ kind: "MapDecl", domain: { kind: "SpaceRef" }, codomain: { kind: "SpaceRef" } });
    expect(let1).toMatchObject({ annotation: { kind: "MapType" } });
    expect(let2).toMatchObject({ annotation: { kind: "ScalarType" } });
    expect(entry).toMatchObject({ kind: "EntryDecl", params: [{ name: { name: "x" } }, { space: { ref: { kind: "Member" } } }] });
    expect(verify).toMatchObject({ kind: "Verify", law: { name: "linear" }, options: [{ name: { name: "runs" } }, { name: { name: "seed" } }] });
    expect(train).toMatchObject({ kind: "TrainDecl", fields: [{ key: { name: "model" } }, { key: { name: "steps" } }] });
    expect(program.range.end.offset).toBe(text.length);
  });
});

/** Parses `text`, expects exactly one diagnostic and returns its code and the text its range covers. */
function single(text: string): { code: string; covered: string; start: number; end: number; message: string } {
  const { diagnostics } = parse(text);
  expect(diagnostics.map((d) => d.message)).toHaveLength(1);
  const d = diagnostics[0];
  return {
    code: d.code,
    covered: text.slice(d.range.start.offset, d.range.end.offset),
    start: d.range.start.offset,
    end: d.range.end.offset,
    message: d.message,
  };
}

describe("syntax errors, one per code, with their ranges", () => {
  it("LIN0101 unexpected character", () => {
    expect(single("space X = R^2 # ;")).toMatchObject({ code: "LIN0101", covered: "#" });
  });

  it("LIN0102 unterminated string", () => {
    expect(single('let p = "./a.lin\n;')).toMatchObject({ code: "LIN0102", covered: '"./a.lin' });
  });

  it("LIN0102 unterminated block comment", () => {
    expect(single("space X = R^2; /* open")).toMatchObject({ code: "LIN0102", covered: "/* open" });
  });

  it("LIN0103 unexpected token: expected X, found Y", () => {
    const d = single("space X = R^2;\nmap f : X -> = A;");
    expect(d).toMatchObject({ code: "LIN0103", covered: "=" });
    expect(d.message).toBe("expected a space (R^n, R[…], induced G or a space name), found '='");
  });

  it("LIN0103 on a stray word where an item should start", () => {
    const d = single("space X = R^2;\nfoo;\nspace Y = R^3;");
    expect(d).toMatchObject({ code: "LIN0103", covered: "foo" });
    expect(d.message).toMatch(/^expected an item .*, found 'foo'$/);
  });

  it("LIN0103 `induced` without a network name leaves a MissingSpace, never a node with a hole", () => {
    // Regression: recovery inside the name used to leave InducedSpace.network undefined, and the
    // checker then crashed reading it. Control: with the name, the same text gives an InducedSpace.
    const broken = parse("space Noise = induced [0]conditioned(rank = 8);\n", "x.lin");
    expect(broken.diagnostics[0]).toMatchObject({ code: "LIN0103" });
    const item = broken.program.items[0];
    expect(item?.kind === "SpaceDecl" ? item.value.kind : undefined).toBe("MissingSpace");
    const whole = parse("space Noise = induced G[0];\n", "x.lin");
    expect(whole.diagnostics).toEqual([]);
    const ok = whole.program.items[0];
    expect(ok?.kind === "SpaceDecl" ? ok.value.kind : undefined).toBe("InducedSpace");
  });

  it("LIN0104 missing ';' points just after the previous token and offers the insertion", () => {
    const text = "space X = R^2\nspace Y = R^3;";
    const d = single(text);
    expect(d).toMatchObject({ code: "LIN0104", start: 13, end: 13, message: "missing ';' before 'space'" });
    const [diag] = parse(text).diagnostics;
    const fixed = applyEdits(text, diag.data.fix?.edits ?? []);
    expect(fixed).toBe("space X = R^2;\nspace Y = R^3;");
    expect(parse(fixed).diagnostics).toEqual([]);
  });

  it("LIN0104 missing closing bracket at end of file", () => {
    const text = "let y = f(x";
    expect(single(text)).toMatchObject({ code: "LIN0104", start: 11, end: 11 });
    const { diagnostics } = parse("network G : X { actnorm;");
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([["LIN0104", "missing '}' at end of file"]]);
  });

  it("LIN0105 a dimension, count or tag that is not a whole number in range", () => {
    expect(single("space X = R^2.5;")).toMatchObject({ code: "LIN0105", covered: "2.5" });
    expect(single("network G : X { repeat 0 { actnorm; } }")).toMatchObject({ code: "LIN0105", covered: "0" });
    expect(single("space Z = induced G[1.5];")).toMatchObject({ code: "LIN0105", covered: "1.5" });
    expect(single("operator A[3, 0] = dense;")).toMatchObject({ code: "LIN0105", covered: "0" });
    expect(parse("space Z = induced G[0]; space X = R^1;").diagnostics).toEqual([]);
  });

  it("LIN0106 invalid escape", () => {
    expect(single(String.raw`import "a\qb" as a;`)).toMatchObject({ code: "LIN0106", covered: "\\q" });
  });
});

describe("suggested fixes", () => {
  it("applying the fixes of lexical and missing-token errors, one after the other, gives a clean file", () => {
    const broken = [
      "space X = R^2 $;",
      'let p = "./a.lin\n;',
      "space X = R^2; /* open",
      String.raw`let p = "a\qb";`,
      "space X = R^2\nspace Y = R^3;",
      "let y = f(x",
      "network G : X { actnorm; ",
      'import "./a.lin" nets;',
    ];
    for (const text of broken) {
      let fixed = text;
      for (let round = 0; round < 3; round++) {
        const [d] = parse(fixed).diagnostics;
        if (d === undefined) break;
        expect(d.data.fix?.edits.length, fixed).toBeGreaterThan(0);
        fixed = applyEdits(fixed, d.data.fix?.edits ?? []);
      }
      expect(parse(fixed).diagnostics, `${text} → ${fixed}`).toEqual([]);
      expect(fixed).not.toBe(text);
    }
  });
});

describe("recovery", () => {
  it("reports every error of a file in one run and keeps the items around them", () => {
    const text = [
      "space X = R^2",
      "map f : X -> X = ;",
      "let g = f * (f + ;",
      "space Y = ;",
      "verify linear(f) with runs = 3;",
      "network N : X { actnorm affine_coupling(hidden = 3); }",
    ].join("\n");
    const { program, diagnostics } = parse(text);
    expect(diagnostics.map((d) => `${d.code}@${d.range.start.line}`)).toEqual(["LIN0104@0", "LIN0103@1", "LIN0103@2", "LIN0103@3", "LIN0104@5"]);
    expect(diagnosticProblems(diagnostics, text)).toEqual([]);
    expect(program.items.map((i) => i.kind)).toEqual(["SpaceDecl", "MapDecl", "LetDecl", "SpaceDecl", "Verify", "NetworkDecl"]);
    const [, map, , space] = program.items;
    expect(map).toMatchObject({ value: { kind: "MissingExpr" } });
    expect(space).toMatchObject({ value: { kind: "MissingSpace" } });
  });

  it("a missing expression inside arguments becomes a MissingExpr argument", () => {
    const { program, diagnostics } = parse("let y = f(a, );");
    expect(diagnostics.map((d) => d.code)).toEqual(["LIN0103"]);
    expect(program.items[0]).toMatchObject({ value: { kind: "Call", args: [{ value: { kind: "Name" } }, { value: { kind: "MissingExpr" } }] } });
  });

  it("a broken keyword argument or parameter keeps its name; the missing part is empty where nothing was skipped", () => {
    const text = "entry e(x : , y : Y) = x;\nnetwork N : X { affine_coupling(hidden = , depth = 2); }";
    const { program, diagnostics } = parse(text);
    expect(diagnostics.map((d) => text.slice(d.range.start.offset, d.range.end.offset))).toEqual([",", ","]);
    const [entry, network] = program.items;
    expect(entry).toMatchObject({ params: [{ name: { name: "x" }, space: { kind: "MissingSpace" } }, { name: { name: "y" } }] });
    expect(network).toMatchObject({
      blocks: [{ args: [{ name: { name: "hidden" }, value: { kind: "MissingExpr" } }, { name: { name: "depth" } }] }],
    });
    if (network?.kind !== "NetworkDecl" || network.blocks[0]?.kind !== "Layer") throw new Error("shape");
    const missing = network.blocks[0].args?.[0]?.value;
    expect(missing?.range.start.offset).toBe(missing?.range.end.offset);
  });

  it("the missing part covers the tokens recovery skipped", () => {
    const text = "let a = ) ) ;";
    const item = parse(text).program.items[0];
    if (item?.kind !== "LetDecl") throw new Error("expected a let");
    expect(text.slice(item.value.range.start.offset, item.value.range.end.offset)).toBe(") )");
  });

  it("never throws on an empty or blank file", () => {
    expect(parse("").program.items).toEqual([]);
    expect(parse("  \n// only a comment\n").diagnostics).toEqual([]);
  });

  it("reuses one parser: a broken parse leaves no trace in the next", () => {
    parse("map f : X -> = (((;");
    const text = examples[0].text;
    expect(withoutRanges(parse(text).program)).toEqual(withoutRanges(parse(print(parse(text).program)).program));
    expect(parse(text).diagnostics).toEqual([]);
  });
});

describe("number literals beyond float64", () => {
  it("are LIN0108 at the literal, wherever they stand; control: the largest finite ones parse clean", () => {
    const text = "let c = 2 * 1e309;\nnetwork G : R^2 { additive_coupling(hidden = 4, scale_bound = 1.8e309); }\n";
    const result = parse(text, "/n.lin");
    expect(result.diagnostics.map((d) => d.code)).toEqual(["LIN0108", "LIN0108"]);
    const [first] = result.diagnostics;
    expect(text.slice(first?.range.start.offset, first?.range.end.offset)).toBe("1e309");
    expect(parse("let c = 2 * 1e308;\nlet d = 1.7976931348623157e308;\n", "/n.lin").diagnostics).toEqual([]);
  });
});

describe("numbers in every literal position", () => {
  it("beyond float64 are LIN0108 at the literal: dimensions, shapes, tags, repeat counts, arguments, exponents", () => {
    const positions = [
      "space X = R^1e309;",
      "space X = R[1, 1e309];",
      "operator A[1e309] = dense;",
      "space Z = induced G[1e309];",
      "network G : R^2 { repeat 1e309 { actnorm; } }",
      "network G : R^2 { additive_coupling(hidden = 1e309); }",
      "let k = f ^ 1e309;",
    ];
    for (const text of positions) {
      const [d, ...rest] = parse(text, "/n.lin").diagnostics;
      expect([d?.code, rest], text).toEqual(["LIN0108", []]);
      expect(text.slice(d?.range.start.offset, d?.range.end.offset)).toBe("1e309");
    }
  });

  it("above the caps are LIN0109 (dimensions and tags 2^31 − 1, repeat counts 100,000); control: the caps themselves parse", () => {
    for (const text of [
      "space X = R^2147483648;",
      "space X = R[2, 2147483648];",
      "operator A[2147483648] = dense;",
      "space Z = induced G[2147483648];",
      "network G : R^2 { repeat 100001 { actnorm; } }",
    ]) {
      expect(
        parse(text, "/n.lin").diagnostics.map((d) => d.code),
        text,
      ).toEqual(["LIN0109"]);
    }
    for (const text of ["space X = R^2147483647;", "space Z = induced G[2147483647];", "network G : R^2 { repeat 100000 { actnorm; } }"]) {
      expect(parse(text, "/n.lin").diagnostics, text).toEqual([]);
    }
  });
});
