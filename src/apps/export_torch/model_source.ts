// The generated model.py of a PyTorch export: one function per network (its blocks written out), a
// Program module holding every network and operator under the weights file's names (so
// Program().state_dict() has exactly the names of Linea's safetensors file), the spec's maps as
// Linearizers g_y⁻¹(A·g_x(x)), and the train section as a plain dict for train.py.
import type { BoundNetwork } from "../../compiler/binding/networks.js";
import type { BoundOperator } from "../../compiler/binding/operators.js";
import { materialiseExpr, type IrSpace, type MapExpr, type OpExpr } from "../../compiler/ir/index.js";
import type { HostTensor } from "../../runtime/io/index.js";
import { operatorParameters } from "../../runtime/operator/index.js";
import { networkSource } from "./network_source.js";
import { pyCall, pyIdentifier, pyLiteral, type PyValue } from "./python.js";

/** The train section as train.py reads it (flow matching, idempotent). */
export interface TrainSettings {
  readonly name: string;
  readonly loss: string;
  readonly model: string;
  /** The trained operator's attribute path in Program ("A", "nets.A"). */
  readonly operator: string | undefined;
  readonly noise: ChartSettings;
  readonly data: ChartSettings;
  readonly steps: number;
  readonly batch: number;
  readonly lr: number;
  readonly optimizer: string;
  readonly weightDecay: number;
  readonly seed: number;
  readonly noiseLevel: number;
  readonly checkpointEvery: number;
}

/** One side of the trained map: the network's attribute path (undefined: Euclidean), its tag and the space's shape. */
export interface ChartSettings {
  readonly network: string | undefined;
  readonly tag: number | undefined;
  readonly shape: readonly number[];
}

/** What model.py is generated from. */
export interface ModelInput {
  readonly spec: string;
  readonly version: string;
  readonly seed: number;
  readonly networks: readonly BoundNetwork[];
  readonly operators: readonly BoundOperator[];
  readonly maps: ReadonlyMap<string, MapExpr>;
  readonly train: TrainSettings | undefined;
}

/** model.py's text, and the matrices of the maps it cannot express by the operators' own tensors (maps.safetensors). */
export interface ModelSource {
  readonly source: string;
  readonly matrices: Map<string, HostTensor>;
  /** Maps left out, with why (a chain through two spaces, or too large to materialise). */
  readonly skipped: readonly string[];
}

/** Largest map matrix written to maps.safetensors (entries): 2^24, 64 MiB of float32. */
const MAX_MATRIX = 2 ** 24;

/** "G." → "G"; "nets.G." → "nets.G". */
function pathOf(prefix: string): string {
  return prefix.endsWith(".") ? prefix.slice(0, -1) : prefix;
}

function attribute(path: string): string {
  return `self.${path.split(".").map(pyIdentifier).join(".")}`;
}

function trainDict(t: TrainSettings): string {
  const chart = (c: ChartSettings): PyValue[] => [c.network ?? null, c.tag ?? null, [...c.shape]];
  const entries: [string, string][] = [
    ["name", pyLiteral(t.name)],
    ["loss", pyLiteral(t.loss)],
    ["model", pyLiteral(t.model)],
    ["operator", pyLiteral(t.operator ?? null)],
    ["noise", `dict(network=${pyLiteral(chart(t.noise)[0])}, tag=${pyLiteral(chart(t.noise)[1])}, shape=${pyLiteral(chart(t.noise)[2])})`],
    ["data", `dict(network=${pyLiteral(chart(t.data)[0])}, tag=${pyLiteral(chart(t.data)[1])}, shape=${pyLiteral(chart(t.data)[2])})`],
    ["data_file", pyLiteral("data.npy")],
    ["steps", pyLiteral(t.steps)],
    ["batch", pyLiteral(t.batch)],
    ["lr", pyLiteral({ float: t.lr })],
    ["optimizer", pyLiteral(t.optimizer)],
    ["weight_decay", pyLiteral({ float: t.weightDecay })],
    ["seed", pyLiteral(t.seed)],
    ["noise_level", pyLiteral({ float: t.noiseLevel })],
    ["checkpoint_every", pyLiteral(t.checkpointEvery)],
  ];
  return `TRAIN = {\n${entries.map(([k, v]) => `    ${JSON.stringify(k)}: ${v},`).join("\n")}\n}`;
}

/** Generates model.py for a bound program. */
export function modelSource(input: ModelInput): ModelSource {
  const networkPath = new Map(input.networks.map((n) => [n.key as string, pathOf(n.prefix)]));
  const operatorOf = (op: OpExpr): BoundOperator | undefined => (op.kind === "leaf" ? input.operators.find((o) => o.operator === op.operator) : undefined);
  const chart = (s: IrSpace): string => {
    const net = s.network === undefined ? undefined : networkPath.get(s.network);
    return `Chart(${net === undefined ? "None" : attribute(net)}, ${pyLiteral(s.tag ?? null)}, ${pyLiteral([...(s.shape ?? [s.dim])])})`;
  };
  const matrices = new Map<string, HostTensor>();
  const skipped: string[] = [];
  const mapLines: string[] = [];
  for (const [name, m] of input.maps) {
    if (m.kind !== "normal") {
      skipped.push(`${name}: a composition through an intermediate space (write it as its parts)`);
      continue;
    }
    const head = `self.maps[${JSON.stringify(name)}] = Linearizer(${chart(m.domain)}, ${chart(m.codomain)}`;
    const leaf = operatorOf(m.op);
    const samplerLeaf = m.op.kind === "sampler" ? operatorOf(m.op.inner) : undefined;
    if (leaf !== undefined && leaf.operator.kind === "time_conditioned") {
      mapLines.push(`${head}, op=${attribute(pathOf(leaf.prefix))}, time_conditioned=True)`);
    } else if (leaf !== undefined && leaf.operator.kind === "projector") {
      mapLines.push(`${head}, op=${attribute(pathOf(leaf.prefix))})`);
    } else if (m.op.kind === "sampler" && samplerLeaf !== undefined && samplerLeaf.operator.kind === "time_conditioned") {
      mapLines.push(`${head}, op=Sampler(${attribute(pathOf(samplerLeaf.prefix))}, steps=${m.op.steps}, method=${JSON.stringify(m.op.method)}))`);
    } else if (m.op.rows * m.op.cols > MAX_MATRIX) {
      skipped.push(`${name}: its ${m.op.rows}×${m.op.cols} operator is too large to materialise`);
    } else {
      // Any other operator expression: its float64 matrix at export time (from the exported weights), rounded to float32.
      const a = materialiseExpr(m.op);
      matrices.set(name, { dtype: "F32", shape: [a.rows, a.cols], data: Float32Array.from(a.data) });
      mapLines.push(`${head}, matrix=MATRICES[${JSON.stringify(name)}])  # A materialised at export`);
    }
  }
  const networkFns = input.networks.map(
    (n) =>
      `def network_${pyIdentifier(pathOf(n.prefix))}():\n    """Network ${pathOf(n.prefix)} (${n.network.blocks.length} blocks; file names "${n.prefix}blocks.{i}.…")."""\n    return ${networkSource(n.network, "    ")}\n`,
  );
  const operatorLines = input.operators.map((o) => {
    const path = pathOf(o.prefix);
    const op = o.operator;
    if (op.kind === "time_conditioned") {
      const hidden = op.u.layers[0].weight.rows;
      return `        attach(self, ${JSON.stringify(path)}, ${pyCall("TimeConditioned", [], { n: op.rows, rank: op.rank, embed: op.embedDim, hidden, alpha: { float: op.alpha } })})`;
    }
    if (op.kind === "projector") return `        attach(self, ${JSON.stringify(path)}, ${pyCall("Projector", [], { n: op.rows, rank: op.q.cols })})`;
    const shapes = [...operatorParameters(op, "")].map(([k, p]) => `${JSON.stringify(k)}: ${pyLiteral([...p.shape])}`);
    return `        attach(self, ${JSON.stringify(path)}, OperatorTensors(${JSON.stringify(op.kind)}, {${shapes.join(", ")}}))`;
  });
  const source = [
    `"""The spec ${input.spec} as PyTorch modules (generated by \`linea export --format torch\`, Linea ${input.version}).`,
    "",
    "Program() holds every network and operator of the spec under the names of Linea's weights file, so",
    "    program.load_state_dict(read_safetensors(FILE)[0], strict=True)",
    "loads a file Linea wrote, and write_safetensors(FILE, state_tensors(program)) writes one Linea reads with --weights.",
    "program.maps[NAME](x) evaluates a map of the spec, g_y⁻¹(A·g_x(x)); time-conditioned maps take t as well.",
    "init.safetensors holds Linea's initial values (seed " + String(input.seed) + "): load it to start where `linea train` starts.",
    '"""',
    "import os",
    "",
    "from torch import nn",
    "",
    "from .linea_torch import *  # noqa: F401,F403 (the block, operator and map classes)",
    "from .linea_torch import attach, read_safetensors  # noqa: F401",
    "",
    "HERE = os.path.dirname(os.path.abspath(__file__))",
    `MATRICES = read_safetensors(os.path.join(HERE, "maps.safetensors"))[0] if os.path.exists(os.path.join(HERE, "maps.safetensors")) else {}`,
    "",
    "",
    ...networkFns.map((f) => `${f}\n`),
    "class Program(nn.Module):",
    '    """Every network and operator of the spec; state_dict() names are the weights file\'s names."""',
    "",
    "    def __init__(self):",
    "        super().__init__()",
    ...input.networks.map((n) => `        attach(self, ${JSON.stringify(pathOf(n.prefix))}, network_${pyIdentifier(pathOf(n.prefix))}())`),
    ...operatorLines,
    "        # the maps hold no tensors of their own (state_dict is unchanged); a materialised A is a non-persistent buffer",
    "        self.maps = nn.ModuleDict()",
    ...mapLines.map((l) => `        ${l}`),
    ...(skipped.length === 0 ? [] : ["        # not exported:", ...skipped.map((s) => `        #   ${s}`)]),
    "",
    "",
    "def load_program(weights=None):",
    '    """A Program with Linea\'s initial values, or those of `weights` (a safetensors file; `train/` tensors are ignored)."""',
    "    program = Program()",
    '    tensors = read_safetensors(weights or os.path.join(HERE, "init.safetensors"))[0]',
    '    load_tensors(program, {k: v for k, v in tensors.items() if not k.startswith("train/")})',
    "    for m in program.modules():",
    "        if isinstance(m, Projector):",
    "            m.retract()  # Linea's projector is that of the basis' span: start from an orthonormal basis of it",
    "    return program",
    "",
    "",
    input.train === undefined ? "TRAIN = None  # the spec has no train section" : trainDict(input.train),
    "",
  ].join("\n");
  return { source, matrices, skipped };
}
