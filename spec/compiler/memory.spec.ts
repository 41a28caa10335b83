// Memory estimated at check time: a declaration whose weights cannot fit the budget is a coded error on
// its range naming the size, instead of a compile that allocates until the process dies. Before,
// every spec below checked clean (and `linea compile` of the first allocated ~8 GB or aborted V8).
import { describe, expect, it } from "vitest";
import { bytesPerParameter, couplingDefaults, formatBytes, networkSize, operatorParameters, parseBytes } from "../../src/compiler/checker/memory.js";
import { nodeFileHost } from "../../src/compiler/checker/node_host.js";
import { checkAll, memoryFileHost } from "../../src/index.js";
import { COUPLING_DEFAULTS } from "../../src/runtime/network/spec.js";
import { parse } from "../../src/parser/index.js";
import { codesOf, mainUri, root } from "./helpers.js";

const GiB = 1024 ** 3;

function check(text: string, memoryBudget?: number) {
  return checkAll({ uri: mainUri, text }, { host: memoryFileHost({ [mainUri]: text }), root, ...(memoryBudget === undefined ? {} : { memoryBudget }) });
}

describe("the memory budget", () => {
  it("a 10⁶×10⁶ dense operator is LIN0330 on the builtin, naming the size and the budget", () => {
    const text = "space X = R^1000000;\nmap f : X -> X = dense;\n";
    const [d, ...rest] = check(text, 16 * GiB).diagnostics;
    expect(rest).toEqual([]);
    expect(d.code).toBe("LIN0330");
    expect(text.slice(d.range.start.offset, d.range.end.offset)).toBe("dense");
    // 10¹² parameters × 12 bytes = 1.2e13 B = 10.9 TiB.
    expect(d.message).toBe("the dense operator [1000000×1000000] needs 10.9 TiB once compiled, more than the memory budget of 16 GiB");
  });

  it("the budget is the option: the same operator fits a larger one; control: one byte less than it needs fails", () => {
    const text = "space X = R^1000;\nmap f : X -> X = dense;\n";
    const needs = 1000 * 1000 * bytesPerParameter;
    expect(check(text, needs).diagnostics).toEqual([]);
    expect(codesOf(check(text, needs - 1).diagnostics)).toEqual(["LIN0330"]);
  });

  it("operators that fit one by one but not together: one LIN0330 on the largest, with the total", () => {
    const text = "operator A[1000] = dense;\noperator B[1000, 500] = dense;\n";
    const out = check(text, 1000 * 1000 * bytesPerParameter);
    expect(codesOf(out.diagnostics)).toEqual(["LIN0330"]);
    expect(out.diagnostics[0].message).toContain(`the spec needs ${formatBytes(1500 * 1000 * bytesPerParameter)} in all`);
    expect(text.slice(out.diagnostics[0].range.start.offset, out.diagnostics[0].range.end.offset)).toBe("dense");
    expect(out.diagnostics[0].range.start.line).toBe(0);
  });

  it("a network with hidden = 2147483648 is LIN0509 on its name; a million layers likewise", () => {
    const wide = check("space X = R^64;\nnetwork G : X { affine_coupling(hidden = 2147483648); }\n", 16 * GiB);
    expect(codesOf(wide.diagnostics)).toEqual(["LIN0509"]);
    const deep = check("space X = R^4;\nnetwork G : X { repeat 1000 { repeat 1000 { actnorm; } } }\n", 16 * GiB);
    expect(codesOf(deep.diagnostics)).toEqual(["LIN0509"]);
    expect(deep.diagnostics[0].message).toContain("1,000,000 layers");
    // Control: the README's network fits 16 GiB.
    const readme = "space Img = R[1, 28, 28];\nnetwork G : Img tagged { actnorm; squeeze; repeat 4 { affine_coupling(hidden = 512, depth = 2); permute(reverse); } }\n";
    expect(check(readme, 16 * GiB).diagnostics).toEqual([]);
  });

  it("svd of a 10⁶×10⁶ low-rank map is LIN0330 on the call: its singular vectors are formed densely; control: 10³×10³ fits", () => {
    const svdOf = (n: number): string => `space X = R^${n};\nmap f : X -> X = lowrank(rank = 2);\nlet d = svd(f);\n`;
    const [d, ...rest] = check(svdOf(1_000_000), 16 * GiB).diagnostics;
    expect([d?.code, rest]).toEqual(["LIN0330", []]);
    // 8 bytes × k(m + n) = 8 × 10⁶ × 2·10⁶ = 1.6e13 B = 14.6 TiB.
    expect(d?.message).toContain("svd of a 1000000×1000000 map (1000000 singular vectors a side) needs 14.6 TiB");
    expect(check(svdOf(1000), 16 * GiB).diagnostics).toEqual([]);
  });

  it("a space whose extents multiply past 2^31 − 1 is LIN0331; control: one just below checks clean", () => {
    expect(codesOf(check("space X = R[65536, 65536];\n").diagnostics)).toEqual(["LIN0331"]);
    expect(check("space X = R[65536, 32767];\n").diagnostics).toEqual([]);
  });

  it("repeat 100000000 and R^2147483648 are refused by the parser (LIN0109) before any estimate", () => {
    expect(codesOf(parse("network G : R^4 { repeat 100000000 { actnorm; } }").diagnostics)).toEqual(["LIN0109"]);
    expect(codesOf(parse("space X = R^2147483648;").diagnostics)).toEqual(["LIN0109"]);
  });

  it("the disk host's budget is LINEA_MEMORY_BUDGET when set, else the machine's memory", () => {
    const before = process.env.LINEA_MEMORY_BUDGET;
    try {
      process.env.LINEA_MEMORY_BUDGET = "3GiB";
      expect(nodeFileHost.memoryBudget).toBe(3 * GiB);
      delete process.env.LINEA_MEMORY_BUDGET;
      expect(nodeFileHost.memoryBudget).toBeGreaterThan(3 * GiB - 1);
    } finally {
      if (before === undefined) delete process.env.LINEA_MEMORY_BUDGET;
      else process.env.LINEA_MEMORY_BUDGET = before;
    }
  });
});

describe("the estimates", () => {
  it("count what the runtime stores; the defaults are the runtime's", () => {
    expect(couplingDefaults).toEqual({ hidden: COUPLING_DEFAULTS.hidden, depth: COUPLING_DEFAULTS.depth });
    const none = (): undefined => undefined;
    expect(operatorParameters("dense", 3, 5, none)).toBe(15);
    expect(operatorParameters("lowrank", 3, 5, (n) => (n === "rank" ? 2 : undefined))).toBe(2 * 8 + 1);
    // additive_coupling on 4 features, hidden 8, depth 2: F and G each 2→8, 8→8, 8→2 with biases = 16+8 + 64+8 + 16+2.
    const [network] = parse("network G : R^4 { repeat 3 { additive_coupling(hidden = 8, depth = 2); } }").program.items;
    if (network?.kind !== "NetworkDecl") throw new Error("expected a network");
    expect(networkSize(network.blocks, 4)).toEqual({ parameters: 3 * 2 * 114, layers: 3 });
  });

  it("sizes read and print in binary units", () => {
    expect(formatBytes(16 * GiB)).toBe("16 GiB");
    expect(formatBytes(7.5 * 1024 * GiB)).toBe("7.5 TiB");
    expect(formatBytes(512)).toBe("512 B");
    expect(parseBytes("16G")).toBe(16 * GiB);
    expect(parseBytes("512 MiB")).toBe(512 * 1024 ** 2);
    expect(parseBytes("1073741824")).toBe(GiB);
    for (const bad of ["", "lots", "-1G", "3 parsecs"]) expect(parseBytes(bad), bad).toBeUndefined();
  });
});
