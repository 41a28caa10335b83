// Linea's public API: parse a spec, check it (with its imports), render diagnostics.
import type { Either } from "fp-ts/lib/Either.js";
import type { Diagnostic } from "./ast/diagnostic.js";
import type { CheckedProgram } from "./compiler/checker/checked.js";
import { checkEither, checkWith, type CheckInput, type CheckOptions, type CheckOutcome } from "./compiler/checker/check.js";
import { nodeFileHost } from "./compiler/checker/node_host.js";

export { parse, print } from "./parser/index.js";
export type { ParseResult } from "./parser/index.js";
export type { Diagnostic, RelatedInformation, SuggestedFix, FixEdit } from "./ast/diagnostic.js";
export { Severity, hasErrors } from "./ast/diagnostic.js";
export type * from "./ast/nodes.js";
export type { Position, Range, Location, SourceFile } from "./ast/source.js";
export type { CheckedProgram, CheckedModule, SymbolInfo, SymbolKind, BuiltinRef, LiteralArgs, TypedNode, DeclKey } from "./compiler/checker/checked.js";
export { declKey } from "./compiler/checker/checked.js";
export { extendModule } from "./compiler/checker/extend.js";
/** Builders of syntax nodes, for declarations made in code and checked with `extendModule`. */
export * as build from "./ast/build.js";
export type { CheckInput, CheckOptions, CheckOutcome } from "./compiler/checker/check.js";
export type { FileHost } from "./compiler/checker/host.js";
export { memoryFileHost, findProjectRoot } from "./compiler/checker/host.js";
export { nodeFileHost } from "./compiler/checker/node_host.js";
export type { SpaceType, Type, NetworkId } from "./compiler/checker/types.js";
export { sameSpace, spaceDim, describeType } from "./compiler/checker/types.js";
export { checkCodes, diagnosticCodes, syntaxCodes } from "./diagnostics/codes.js";
export type { CodeInfo, DiagnosticCode } from "./diagnostics/codes.js";
export { LineaError } from "./diagnostics/error.js";
export { renderDiagnostic, type RenderOptions, type SourceLookup } from "./diagnostics/render.js";
export { renderDiagnostics, type Sources } from "./compiler/checker/render_outcome.js";

/** The options with the disk as the file host unless another is given. */
function onDisk(options: CheckOptions): CheckOptions {
  return { ...options, host: options.host ?? nodeFileHost };
}

/**
 * Checks an entry file (a path, read through `options.host`) or a text with its URI, and everything
 * it imports. Left: all diagnostics (errors first). Right: the checked program, warnings included.
 */
export async function check(input: CheckInput, options: CheckOptions = {}): Promise<Either<readonly Diagnostic[], CheckedProgram>> {
  return checkEither(input, onDisk(options));
}

/** The synchronous form, for tests and tools that have the text in hand. */
export function checkText(text: string, uri: string, options: CheckOptions = {}): Either<readonly Diagnostic[], CheckedProgram> {
  return checkEither({ uri, text }, onDisk(options));
}

/** Every diagnostic (errors and warnings) and the checked program, without deciding success. */
export function checkAll(input: CheckInput, options: CheckOptions = {}): CheckOutcome {
  return checkWith(input, onDisk(options));
}

// Running compiled specs (issue 4): compile a checked program into kernel plans and run its entries.
export { compile, compileBound, compileFile, CompiledProgram, startBackend, ONNX_BACKEND, type CompileOptions, type RunInput } from "./compiler/execute/program.js";
export { OnnxEngine, type OnnxEngineOptions } from "./compiler/execute/onnxEngine.js";
export { bindProgram, BoundProgram, type BindOptions } from "./compiler/binding/program.js";
export { ExecuteError, type ExecuteErrorCode } from "./compiler/execute/errors.js";
export { formatPlan, type Plan, type Step } from "./compiler/execute/plan.js";

// Backends (docs/runtime.md). compile, bindProgram, verificationOf and training start the default
// (LINEA_BACKEND, else wasm) themselves when none is set; selectBackend chooses one explicitly.
export {
  selectBackend,
  ensureBackend,
  resolveBackendName,
  BACKEND_NAMES,
  BACKEND_ENV_VAR,
  BackendError,
  type BackendName,
  type BackendErrorCode,
  type ConcreteBackend,
  type SelectedBackend,
} from "./runtime/backend/index.js";

// Files (docs/runtime.md): .npy arrays, safetensors weights, and networks saved or loaded by name, with
// a rename map for a PyTorch state_dict. Also the subpath `linea/io`.
export {
  encodeNpy,
  decodeNpy,
  saveNpy,
  loadNpy,
  encodeSafetensors,
  decodeSafetensors,
  saveSafetensors,
  loadSafetensors,
  saveNetwork,
  loadNetwork,
  networkTensors,
  assignNetworkTensors,
  FormatError,
  type FormatErrorCode,
  type NpyArray,
  type SafetensorsFile,
  type HostTensor,
  type Dtype,
  type LoadOptions as NetworkLoadOptions,
} from "./runtime/io/index.js";

// Invertible networks built from a block list, as a spec's `network` declares them. Also `linea/network`.
export { buildNetwork, Stack, NetworkError, type BuildOptions, type BlockSpec, type NetworkSpec, type Block, type NetworkErrorCode } from "./runtime/network/index.js";

// Dense float64 linear algebra (svd, pinv, qr, lu, eigh, solve, …; LAPACK when its addon is built):
// `linalg.svd(m)` here, or `import { svd } from "linea/linalg"`.
export * as linalg from "./runtime/linalg/index.js";

// Verification (issue 5): the laws of the induced spaces as fast-check properties, and `verify` statements.
export { verificationOf, type VerifyTarget, type VerifyOptions, type ProgramVerification } from "./verify/program.js";
export { makeCheck, runChecks } from "./verify/run.js";
export type { Check, CheckResult, CheckSpec, Measurement, RunOptions } from "./verify/law.js";
/** The laws as checks on maps and spaces under test (superposition, roundtrip, pinv, projector, …). */
export * as laws from "./verify/laws/index.js";
export { linearizerSubject, functionSubject, throughPoints, type MapUnderTest } from "./verify/subject.js";
export { networkSpace, modelOf, profileOperator, type SpaceModel, type OperatorModel } from "./verify/conditioning.js";
export { U32, SAFETY, pathError, tolerance, type Stage } from "./verify/measure.js";

// Training (`linea train`, docs/training.md). Loaded on demand: it pulls in tfjs and the runtime,
// which checking alone does not need.
export type { TrainPlan, TrainOptions, TrainResult, Progress, Dataset, DataSource } from "./train/index.js";
/** Loads the training module (also `linea/train`): plans, sessions, `train`, checkpoints, data sources. */
export async function loadTraining(): Promise<typeof import("./train/index.js")> {
  return import("./train/index.js");
}
export { mapNormalForm, type MapNormalForm } from "./compiler/execute/inspect.js";

// Applications (docs/applications.md): the paper's sample, invert, interpolate and spectrum as library
// functions on a checked spec or a compiled program; they print nothing (`linea` prints their results).
export type { SpecText } from "./apps/spec_text.js";
export { GeneratedDeclarationsError } from "./apps/spec_text.js";
export { samplerSpec, multiStepSample, seededNoise, type SamplerChoice, type SamplerSpec, type CompiledSampler } from "./apps/sampling.js";
export { compareSamplers, type SamplerComparison, type SampleOptions, type SampleProgress, type SampleRun } from "./apps/sample.js";
export { invertibleSampler, invertSampler, type InvertibleSampler, type SamplerSelection, type InversionOptions, type Inversion } from "./apps/invert.js";
export { interpolateMaps, type InterpolationFrame, type InterpolationOptions, type InterpolationResult } from "./apps/interpolate.js";
export { spectrumOf, summarise, FLOAT32_PINV_CONDITION, type Spectrum, type SpectrumEnd, type SpectrumSummary } from "./apps/spectrum.js";
export { agreement, type Agreement } from "./apps/psnr.js";
