// Plans run on ONNX Runtime (`--backend onnx`): each plan is exported once to an ONNX graph (the same graph
// `linea export --format onnx` writes, weights embedded) and loaded into one ORT session, on first use, from
// the weights bound at that moment. Binding, the algebra of the optimiser and the host-side decompositions
// stay on tfjs (wasm); only the plans' kernels (network passes, operators, combinations) move.
import { createOnnxRunner, defaultOnnxThreads, checkOnnxThreads, loadOnnxRuntime, onnxRuntimeVersion, type OnnxRunner } from "../../runtime/backend/onnxRuntime.js";
import { planToOnnx } from "../export/onnx.js";
import type { Plan } from "./plan.js";

/** How `--backend onnx` runs: ONNX Runtime's CPU provider with this many intra-op threads. */
export interface OnnxEngineOptions {
  /** Default: every core this process may use. */
  readonly threads?: number;
}

/** ONNX Runtime sessions for a compiled program's plans, one per plan, made on first use. */
export class OnnxEngine {
  private readonly sessions = new Map<string, Promise<OnnxRunner>>();

  private constructor(
    readonly threads: number,
    /** One line for the backend report: ONNX Runtime's version and thread count. */
    readonly description: string,
  ) {}

  /** Loads ONNX Runtime (a coded error naming the package when it is missing) and checks the thread count. */
  static async start(options: OnnxEngineOptions = {}): Promise<OnnxEngine> {
    const threads = checkOnnxThreads(options.threads ?? defaultOnnxThreads());
    await loadOnnxRuntime();
    const version = await onnxRuntimeVersion();
    return new OnnxEngine(threads, `onnx (onnxruntime-node ${version}, CPU provider, ${threads} thread${threads === 1 ? "" : "s"})`);
  }

  private session(plan: Plan): Promise<OnnxRunner> {
    let s = this.sessions.get(plan.name);
    if (s === undefined) {
      s = createOnnxRunner(planToOnnx(plan).model, this.threads);
      // A failed load is reported to this caller and retried by the next.
      s.catch(() => this.sessions.delete(plan.name));
      this.sessions.set(plan.name, s);
    }
    return s;
  }

  /**
   * Runs a plan on `batch` rows per input (flat float32 values, inputs in the plan's order). Returns the
   * output rows, flat: batch·dim values for a vector result, batch for a scalar one.
   */
  async run(plan: Plan, inputs: readonly Float32Array[], batch: number): Promise<Float32Array> {
    const runner = await this.session(plan);
    const feeds = Object.fromEntries(plan.inputs.map((p, i) => [p.name, { data: inputs[i] ?? new Float32Array(0), shape: [batch, p.dim] }]));
    const out = await runner.run(feeds);
    const y = out[runner.outputNames[0] ?? "y"];
    if (y === undefined) throw new Error(`ONNX graph of ${plan.name} returned no output`);
    return y.data;
  }

  /** Frees every session. */
  async release(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map(async (s) => (await s.catch(() => undefined))?.release()));
  }
}
