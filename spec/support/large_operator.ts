// A spec whose map is an n×n dense operator times an n×n Cayley rotation (binding it solves with LU),
// compiled with pinv(f) in an entry (so compiling multiplies and runs the SVD), and the float64 results
// a thread computes from it: the map's singular values and its compiled pinv.
// Run on the main thread and in a worker_thread (large_operator_worker.ts) by spec/runtime/linalg/worker.spec.ts.
import { isLeft } from "fp-ts/lib/Either.js";
import { checkText, compile } from "../../src/index.js";
import { activeLinalg } from "../../src/runtime/linalg/index.js";
import { materialise, product, svd } from "../../src/runtime/operator/index.js";

export interface LargeOperatorResult {
  /** Which float64 linear algebra the thread used: native (LAPACK) or js. */
  readonly linalg: string;
  readonly singularValues: Float64Array;
  /** pinv(M) as the compiled entry applies it, row-major n×n. */
  readonly pinv: Float64Array;
}

export async function largeOperatorResult(n: number): Promise<LargeOperatorResult> {
  const text = `space X = R^${n};
operator M[${n}, ${n}] = dense;
operator O[${n}] = orthogonal(param = cayley);
map f : X -> X = M * O;
let p = pinv(f);
entry e(x : X) = p(x);
`;
  const checked = checkText(text, "/virtual/large_operator.lin");
  if (isLeft(checked)) throw new Error(checked.left.map((d) => d.message).join("; "));
  const compiled = await compile(checked.right, { backend: "cpu" });
  try {
    const step = compiled.planOf("e").steps.find((s) => s.kind === "operator");
    if (step?.kind !== "operator") throw new Error("the entry has one operator step");
    const [m, o] = [...compiled.bound.operators.values()].map((b) => b.operator);
    if (m === undefined || o === undefined) throw new Error("the spec binds M and O");
    const f = product(m, o);
    return { linalg: activeLinalg().backend, singularValues: svd(f).s, pinv: materialise(step.operator).data };
  } finally {
    compiled.dispose();
  }
}
