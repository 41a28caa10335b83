// What a checked program hands on beyond types: declaration keys, the builtin each builtin call or
// name resolved to, literal arguments, and position queries for editors (typeAt, definitionAt).
// Each property has a control that must come out differently (a shadowed builtin, a non-literal
// argument, an offset outside every expression).
import { describe, expect, it } from "vitest";
import type { Call, EntryDecl, Expr, LetDecl, NetworkDecl, OperatorDecl, TrainDecl, VerifyStmt } from "../../src/ast/nodes.js";
import { declKey, type CheckedProgram } from "../../src/compiler/checker/checked.js";
import { checkSource, mainUri } from "./helpers.js";

const SPEC = `space Plane = R^2;
network G : Plane tagged { affine_coupling(hidden = 16, activation = tanh); permute(random, seed = 3); }
space Noise = induced G[0];
space Data = induced G[1];
operator A = time_conditioned(rank = 2, embed = 8);
operator L = lowrank(rank = 1);
operator D = dense;
operator S = scaled_identity(-2);
map v : Noise -> Data = A;
map f : Plane -> Plane = L;
map h : Plane -> Plane = S;
let B = sampler(v, method = rk4, steps = 10);
let g = adjoint(f) * h;
entry run(x : Plane) = g(x);
verify linear(g) with runs = 7, tolerance = 0.001;
train flow { model = v; data = moons(n = 64, noise = 0.05); steps = 5; }
`;

function checked(text = SPEC): CheckedProgram {
  const outcome = checkSource(text);
  const errors = outcome.diagnostics.filter((d) => d.severity === 1);
  if (errors.length > 0 || outcome.program === undefined) throw new Error(errors.map((d) => `${d.code} ${d.message}`).join("; "));
  return outcome.program;
}

function item<K extends string>(program: CheckedProgram, kind: K, name?: string) {
  const items = program.modules.get(program.entry)?.program.items ?? [];
  const found = items.find((i) => i.kind === kind && (name === undefined || ("name" in i && i.name.name === name)));
  if (found === undefined) throw new Error(`no ${kind} ${name ?? ""}`);
  return found;
}

const valueOf = (p: CheckedProgram, name: string): Expr => (item(p, "LetDecl", name) as LetDecl).value;
const operatorValue = (p: CheckedProgram, name: string): Expr => (item(p, "OperatorDecl", name) as OperatorDecl).value;

describe("declaration keys", () => {
  it("every symbol carries declKey(uri, name), and an entry parameter's key is not a top-level one", () => {
    const p = checked();
    const symbols = p.modules.get(p.entry)?.symbols;
    const v = symbols?.get("v");
    expect(v?.key).toBe(declKey(mainUri, "v"));
    expect(v?.key).toBe(`${mainUri}#v`);
    expect(symbols?.get("G")?.key).toBe(declKey(mainUri, "G"));
    // The parameter x of entry run resolves to a symbol whose key is not declKey(uri, "x").
    const body = (item(p, "EntryDecl", "run") as EntryDecl).body as Call;
    const arg = body.args[0]?.value;
    const x = arg?.kind === "Name" ? p.symbolOf(arg) : undefined;
    expect(x?.kind).toBe("param");
    expect(x?.key).not.toBe(declKey(mainUri, "x"));
  });
});

describe("resolved builtins", () => {
  it("records the builtin of each builtin call and bare builtin name", () => {
    const p = checked();
    expect(p.builtinOf(operatorValue(p, "A"))).toEqual({ kind: "operator", name: "time_conditioned" });
    expect(p.builtinOf(operatorValue(p, "D"))).toEqual({ kind: "operator", name: "dense" });
    expect(p.builtinOf(valueOf(p, "B"))).toEqual({ kind: "value", name: "sampler" });
    const g = valueOf(p, "g");
    expect(g.kind === "Binary" ? p.builtinOf(g.left) : undefined).toEqual({ kind: "value", name: "adjoint" });
    const train = item(p, "TrainDecl", "flow") as TrainDecl;
    const data = train.fields.find((f) => f.key.name === "data")?.value;
    expect(data && p.builtinOf(data)).toEqual({ kind: "data", name: "moons" });
    // Control: a map applied to a vector is no builtin.
    const body = (item(p, "EntryDecl", "run") as EntryDecl).body;
    expect(p.builtinOf(body)).toBeUndefined();
  });

  it("a declaration shadows the builtin of the same name", () => {
    const p = checked("space X = R^2;\noperator diagonal = dense;\nmap f : X -> X = diagonal;\n");
    const value = (item(p, "MapDecl", "f") as { value: Expr }).value;
    expect(p.builtinOf(value)).toBeUndefined();
    expect(value.kind === "Name" ? p.symbolOf(value)?.kind : undefined).toBe("operator");
    expect(p.builtinOf(operatorValue(p, "diagonal"))).toEqual({ kind: "operator", name: "dense" });
  });
});

describe("literal arguments", () => {
  it("keywords by name, positional arguments as #i, signs included", () => {
    const p = checked();
    expect(Object.fromEntries(p.argumentsOf(operatorValue(p, "A")))).toEqual({ rank: 2, embed: 8 });
    expect(Object.fromEntries(p.argumentsOf(operatorValue(p, "S")))).toEqual({ "#0": -2 });
    // A bare name reads as a word, as `method = rk4` does; what it means is the checker's business.
    expect(Object.fromEntries(p.argumentsOf(valueOf(p, "B")))).toEqual({ "#0": "v", method: "rk4", steps: 10 });
    const train = item(p, "TrainDecl", "flow") as TrainDecl;
    const data = train.fields.find((f) => f.key.name === "data")?.value;
    expect(data && Object.fromEntries(p.argumentsOf(data))).toEqual({ n: 64, noise: 0.05 });
  });

  it("network blocks and verify statements (with their options) carry theirs too", () => {
    const p = checked();
    const [coupling, permute] = (item(p, "NetworkDecl", "G") as NetworkDecl).blocks;
    expect(coupling && Object.fromEntries(p.argumentsOf(coupling))).toEqual({ hidden: 16, activation: "tanh" });
    expect(permute && Object.fromEntries(p.argumentsOf(permute))).toEqual({ "#0": "random", seed: 3 });
    const verify = item(p, "Verify") as VerifyStmt;
    expect(Object.fromEntries(p.argumentsOf(verify))).toEqual({ "#0": "g", runs: 7, tolerance: 0.001 });
  });

  it("control: an argument that is not a literal is left out; a node that takes none has none", () => {
    const q = checked("space X = R^2;\noperator P = dense;\nmap f : X -> X = P;\nlet k = adjoint(f * f);\nlet n = pinv(f);\n");
    expect(q.argumentsOf(valueOf(q, "k")).size).toBe(0);
    expect(Object.fromEntries(q.argumentsOf(valueOf(q, "n")))).toEqual({ "#0": "f" });
    expect(q.argumentsOf(item(q, "SpaceDecl", "X")).size).toBe(0);
  });
});

describe("position queries", () => {
  const p = checked();
  const at = (needle: string, delta = 0): number => {
    const i = SPEC.indexOf(needle);
    if (i < 0) throw new Error(`no ${needle}`);
    return i + delta;
  };

  it("typeAt gives the innermost expression at an offset, with its range and type", () => {
    const onH = p.typeAt(mainUri, at("adjoint(f) * h", "adjoint(f) * ".length));
    expect(onH?.node.kind).toBe("Name");
    expect(SPEC.slice(onH?.range.start.offset, onH?.range.end.offset)).toBe("h");
    expect(onH?.type.kind).toBe("Map");
    const onStar = p.typeAt(mainUri, at("adjoint(f) * h", "adjoint(f) ".length));
    expect(onStar?.node.kind).toBe("Binary");
    expect(SPEC.slice(onStar?.range.start.offset, onStar?.range.end.offset)).toBe("adjoint(f) * h");
    const induced = p.typeAt(mainUri, at("induced G[1]", 2));
    expect(induced?.type).toMatchObject({ kind: "Space", space: { kind: "Induced", network: { name: "G" }, tag: 1 } });
    // Control: a comment-free gap between declarations holds no expression; another file has none.
    expect(p.typeAt(mainUri, at("space Noise"))).toBeUndefined();
    expect(p.typeAt("/proj/other.lin", at("adjoint(f) * h"))).toBeUndefined();
  });

  it("definitionAt resolves a name to its declaration, also on the declaration itself", () => {
    const use = p.definitionAt(mainUri, at("adjoint(f)", "adjoint(".length));
    expect(use?.name).toBe("f");
    expect(use?.kind).toBe("map");
    expect(use && SPEC.slice(use.nameRange.start.offset, use.nameRange.end.offset)).toBe("f");
    expect(use?.nameRange.start.offset).toBe(at("map f", 4));
    expect(p.definitionAt(mainUri, at("map h", 4))?.name).toBe("h");
    expect(p.definitionAt(mainUri, at("g(x)", 2))?.kind).toBe("param");
    // Control: a builtin name has no declaration.
    expect(p.definitionAt(mainUri, at("adjoint(f)", 1))).toBeUndefined();
  });

  it("definitionAt follows an import alias to the imported declaration", () => {
    const outcome = checkSource('import "nets.lin" as nets;\nmap f : nets.X -> nets.X = nets.P;\n', {
      "/proj/nets.lin": "space X = R^3;\noperator P = dense;\n",
    });
    const program = outcome.program;
    const text = 'import "nets.lin" as nets;\nmap f : nets.X -> nets.X = nets.P;\n';
    const sym = program?.definitionAt(mainUri, text.indexOf("nets.P") + "nets.".length);
    expect(sym?.uri).toBe("/proj/nets.lin");
    expect(sym?.name).toBe("P");
    expect(program?.definitionAt(mainUri, text.indexOf("nets.P") + 1)?.kind).toBe("import");
  });
});
