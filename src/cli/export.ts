// `linea export FILE --format FORMAT --out PATH [...]`: the spec for another engine. One command, one
// table of formats (EXPORT_FORMATS): each format is its own module under src/apps and takes the checked
// spec with the common flags; a new format adds a row here and nothing else.
//   torch: a readable Python package (src/apps/export_torch): nn.Modules with Linea's tensor names, a
//          DDP training entry and a launcher (docs/scale.md).
//   onnx:  one entry or map's compiled plan as an ONNX graph (src/compiler/export/onnx.ts, docs/onnx.md).
import path from "node:path";
import { isLeft } from "fp-ts/lib/Either.js";
import { check, nodeFileHost } from "../index.js";
import { hasErrors } from "../ast/diagnostic.js";
import type { CheckedProgram } from "../compiler/checker/checked.js";
import { selectBackend } from "../runtime/backend/index.js";
import { compile } from "../compiler/execute/program.js";
import { planToOnnx, planOutputName } from "../compiler/export/onnx.js";
import { writeFileAtomic } from "../runtime/io/atomic.js";
import { exportTorchPackage, isPackageName } from "../apps/export_torch/package.js";
import { ExitCode, parseCommandLine, reportFailure, UsageError, type Command, type CommandIO } from "./command.js";
import { didYouMean, type FlagTable } from "./flags.js";
import { jsonUri, printDiagnostics, printResult } from "./output.js";
import { integerFlag } from "./run.js";
import { readSpecText, specFileArgument } from "./spec_input.js";
import { packageVersion } from "./version.js";

const EXPORT_FLAGS = {
  format: { type: "string", value: "FORMAT", help: "what to write: torch, onnx (required)" },
  out: { type: "string", value: "PATH", help: "where to write it (torch: the package folder, its name the Python package's; onnx: the .onnx file) (required)" },
  weights: { type: "string", value: "W.safetensors", defaultText: "seeded initial weights", help: "start from these weights" },
  seed: { type: "string", value: "S", defaultText: "the train section's, else 0", help: "seed of the initial weights" },
  train: { type: "string", value: "NAME", defaultText: "the only train section", help: "the train section to export (torch)" },
  entry: { type: "string", value: "NAME", defaultText: "the only entry or map", help: "the entry or map whose plan is exported (onnx)" },
  map: { type: "string", value: "NAME", help: "the same as --entry, for a map (onnx)" },
  "external-data": { type: "boolean", help: "write weights of ≥ 1 KiB to OUT.data beside the model (onnx; for models over 2 GiB)" },
  backend: { type: "string", value: "NAME", defaultText: "LINEA_BACKEND, else wasm", help: "tfjs backend that binds the initial values" },
} as const satisfies FlagTable;

/** What every format receives. */
interface ExportRequest {
  readonly checked: CheckedProgram;
  readonly specPath: string;
  readonly out: string;
  readonly weights: string | undefined;
  readonly seed: number | undefined;
  readonly train: string | undefined;
  readonly entry: string | undefined;
  readonly externalData: boolean;
}

/** One export format: writes `out` and says what it wrote (JSON fields and the human line). */
type ExportFormat = (request: ExportRequest, io: CommandIO) => Promise<{ json: Record<string, unknown>; human: string }>;

const torch: ExportFormat = async (r, io) => {
  const name = path.basename(r.out);
  if (!isPackageName(name)) throw new UsageError(`--out ${r.out}: the folder's name is the Python package's (python -m ${name}.train), so it must be an identifier`);
  const done = await exportTorchPackage(r.checked, {
    specPath: r.specPath,
    out: r.out,
    version: packageVersion(),
    ...(r.weights === undefined ? {} : { weights: r.weights }),
    ...(r.seed === undefined ? {} : { seed: r.seed }),
    ...(r.train === undefined ? {} : { train: r.train }),
  });
  const run =
    done.train === undefined
      ? ""
      : `\n  train: python -m ${name}.train --out runs/${name}   (N processes: python -m ${name}.launch --nproc N -- --out …, or torchrun --nproc_per_node=N -m ${name}.train …)`;
  const skipped = done.skipped.length === 0 ? "" : `\n  not exported: ${done.skipped.join("; ")}`;
  return {
    json: { format: "torch", out: jsonUri(io, r.out), files: done.files, networks: done.networks, maps: done.maps, skipped: done.skipped, train: done.train ?? null },
    human: `exported ${path.basename(r.specPath)} for PyTorch to ${r.out}: networks ${done.networks.join(", ") || "none"}; maps ${done.maps.join(", ") || "none"}${run}${skipped}\n`,
  };
};

const onnxFormat: ExportFormat = async (r, io) => {
  const compiled = await compile(r.checked, {
    seed: r.seed ?? 0,
    ...(r.weights === undefined ? {} : { weights: r.weights }),
    ...(r.entry === undefined ? {} : { targets: [r.entry] }),
  });
  try {
    const names = compiled.targets;
    const name = r.entry ?? (names.length === 1 ? names[0] : undefined);
    if (name === undefined) throw new UsageError(`export --format onnx needs --entry NAME: this spec has ${names.length === 0 ? "no compiled entry or map" : names.join(", ")}`);
    const plan = compiled.planOf(name);
    const location = `${path.basename(r.out)}.data`;
    const done = planToOnnx(plan, r.externalData ? { externalWeights: { location } } : {});
    // The side file first, so the model never names weights that are not there yet.
    if (done.external !== undefined) await writeFileAtomic(path.join(path.dirname(r.out), location), [done.external]);
    await writeFileAtomic(r.out, [done.model]);
    const inputs = plan.inputs.map((p) => ({ name: p.name, shape: ["batch", p.dim] }));
    const output = planOutputName(plan);
    const bytes = done.model.length + (done.external?.length ?? 0);
    return {
      json: { format: "onnx", out: jsonUri(io, r.out), entry: name, inputs, output, external: done.external === undefined ? null : location, bytes },
      human: `exported ${name} of ${path.basename(r.specPath)} as ONNX to ${r.out} (${bytes} bytes): inputs ${inputs.map((i) => `${i.name}[batch,${i.shape[1]}]`).join(", ")} → ${output}\n`,
    };
  } finally {
    compiled.dispose();
  }
};

/** The formats `--format` takes. */
const EXPORT_FORMATS: Readonly<Record<string, ExportFormat>> = { torch, onnx: onnxFormat };

export const exportCommand: Command = {
  name: "export",
  summary: "write the spec for another engine (torch: a PyTorch package with a distributed training entry; onnx: a plan as an ONNX graph)",
  usage: "linea export FILE --format torch|onnx --out PATH [--weights W.safetensors] [--seed S] [--train NAME] [--entry NAME|--map NAME] [--external-data]",
  flags: EXPORT_FLAGS,
  examples: [
    "linea export examples/toy2d_train.lin --format torch --out toy2d_torch   (then: python -m toy2d_torch.launch --nproc 2 -- --out runs/toy2d)",
    "linea export examples/mnist_train.lin --format torch --out mnist_torch --weights runs/mnist/weights.safetensors",
    "linea export examples/toy2d.lin --format onnx --entry f --out f.onnx",
  ],
  async run(args, io: CommandIO) {
    const parsed = parseCommandLine(args, EXPORT_FLAGS);
    const file = specFileArgument(parsed.positionals, "export");
    const formatName = parsed.values.format;
    if (formatName === undefined) throw new UsageError(`export needs --format (${Object.keys(EXPORT_FORMATS).join(", ")})`);
    const format = EXPORT_FORMATS[formatName];
    if (format === undefined) throw new UsageError(`unknown --format ${formatName}${didYouMean(formatName, Object.keys(EXPORT_FORMATS))}`);
    if (parsed.values.out === undefined) throw new UsageError("export needs --out PATH");
    const seed = integerFlag("seed", parsed.values.seed, 0);
    if (parsed.values.entry !== undefined && parsed.values.map !== undefined) throw new UsageError("export takes --entry NAME or --map NAME, not both");
    const read = await readSpecText(file, io);
    if (typeof read === "number") return read;
    const checked = await check({ uri: read.path, text: read.text });
    if (isLeft(checked)) {
      printDiagnostics(io, checked.left, (u) => (u === read.path ? read.text : nodeFileHost.readFile(u)));
      return hasErrors(checked.left) ? ExitCode.Errors : ExitCode.Ok;
    }
    try {
      await selectBackend(parsed.values.backend);
      const written = await format(
        {
          checked: checked.right,
          specPath: read.path,
          out: path.resolve(io.cwd, parsed.values.out),
          weights: parsed.values.weights === undefined ? undefined : path.resolve(io.cwd, parsed.values.weights),
          seed,
          train: parsed.values.train,
          entry: parsed.values.entry ?? parsed.values.map,
          externalData: parsed.values["external-data"] === true,
        },
        io,
      );
      printResult(io, written.json, () => written.human);
      return ExitCode.Ok;
    } catch (e) {
      return reportFailure("export", io, e);
    }
  },
};
