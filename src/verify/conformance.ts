// The conformance registry: every network block kind and every operator kind, each with a small
// instance and the laws that apply to it. Both tables are Records over the closed kind unions, so a
// new block or operator kind does not compile until it is registered here; once it is, the
// conformance spec runs every applicable law on it.
import { adjoint, Linearizer, pinv } from "../runtime/space/index.js";
import type { BlockSpec } from "../runtime/network/index.js";
import { at, needsTime, type LinearOperator, type OperatorKind } from "../runtime/operator/index.js";
import { buildCase, describeNetwork, OPERATOR_FACTORIES, type NetworkCase } from "./arbitraries.js";
import { networkSpace, type SpaceModel } from "./conditioning.js";
import type { Check } from "./law.js";
import { adjointLaw, axiomsLaw, combinationLaw, compositionLaw, oneStepLaw, pinvLaw, projectorLaw, roundtripLaw, superpositionLaw, svdLaw } from "./laws/index.js";
import { linearizerSubject, type MapUnderTest } from "./subject.js";

export type BlockKind = Exclude<BlockSpec["kind"], "repeat">;

/** A coupling keeps its scales bounded and its conditioner small; gain 0.5 makes it clearly non-linear. */
const coupling = { hidden: 8, depth: 1, activation: "tanh" } as const;

/** One small network per block kind: the block alone (after what it needs), on a shape it accepts. */
export const BLOCK_CONFORMANCE: Readonly<Record<BlockKind, NetworkCase>> = {
  affine_coupling: { spec: { tagged: true, blocks: [{ kind: "affine_coupling", ...coupling, scale_bound: 1 }] }, shape: [4], seed: 1, gain: 0.5 },
  additive_coupling: { spec: { tagged: true, blocks: [{ kind: "additive_coupling", ...coupling }] }, shape: [4], seed: 2, gain: 0.5 },
  actnorm: { spec: { tagged: false, blocks: [{ kind: "actnorm" }] }, shape: [4], seed: 3, gain: 0.5 },
  permute: { spec: { tagged: false, blocks: [{ kind: "permute", mode: "random", seed: 5 }] }, shape: [4], seed: 4, gain: 0.5 },
  inv_dense: { spec: { tagged: false, blocks: [{ kind: "inv_dense" }] }, shape: [4], seed: 5, gain: 0.5 },
  squeeze: { spec: { tagged: false, blocks: [{ kind: "squeeze" }, { kind: "additive_coupling", ...coupling }] }, shape: [1, 2, 2], seed: 6, gain: 0.5 },
  unsqueeze: { spec: { tagged: false, blocks: [{ kind: "unsqueeze" }, { kind: "additive_coupling", ...coupling }] }, shape: [4, 1, 1], seed: 7, gain: 0.5 },
};

export const BLOCK_KINDS = Object.keys(BLOCK_CONFORMANCE) as BlockKind[];

/** Every space a network induces (both tags of a tagged one). */
export async function networkSpaces(c: NetworkCase, name: string): Promise<SpaceModel[]> {
  const network = buildCase(c);
  return c.spec.tagged ? [await networkSpace(network, `${name}[0]`, 0), await networkSpace(network, `${name}[1]`, 1)] : [await networkSpace(network, name)];
}

/** Round trip and the vector-space axioms on every space the block's network induces. */
export async function blockConformance(kind: BlockKind): Promise<Check[]> {
  const c = BLOCK_CONFORMANCE[kind];
  return (await networkSpaces(c, kind)).flatMap((X) => [...roundtripLaw(X, `${X.space.name}: ${describeNetwork(c)}`), ...axiomsLaw(X, `${X.space.name}: ${describeNetwork(c)}`)]);
}

/** The spaces operators are checked between: X (dim 4), Y (dim 3), each induced by its own network. */
export interface OperatorSpaces {
  readonly X: SpaceModel;
  readonly Y: SpaceModel;
}

const SPACE_BLOCKS: readonly BlockSpec[] = [
  { kind: "affine_coupling", ...coupling, scale_bound: 1 },
  { kind: "permute", mode: "reverse" },
  { kind: "additive_coupling", ...coupling },
];

export async function operatorSpaces(): Promise<OperatorSpaces> {
  const build = (dim: number, seed: number, name: string): Promise<SpaceModel> =>
    networkSpace(buildCase({ spec: { tagged: false, blocks: SPACE_BLOCKS }, shape: [dim], seed, gain: 0.5 }), name);
  return { X: await build(4, 11, "X"), Y: await build(3, 12, "Y") };
}

/** The map 𝕃{g_X, g, A} of an operator: into Y when A has Y's rows, else an endomorphism of X. */
export function operatorMap(name: string, op: LinearOperator, { X, Y }: OperatorSpaces): MapUnderTest {
  const codomain = op.rows === Y.space.dim ? Y : X;
  return linearizerSubject(name, new Linearizer(X.space, codomain.space, op), X, codomain);
}

/** Every law that applies to a map f of an operator kind; `second` (same kind and spaces) is f's partner in combinations. */
export async function operatorLaws(f: MapUnderTest, second: MapUnderTest): Promise<Check[]> {
  const lin = f.linearizer;
  if (lin === undefined) throw new Error(`${f.name} is not a Linearizer`);
  if (needsTime(lin.operator)) return [...superpositionLaw(f), ...oneStepLaw(f, "euler", 4)];
  const ft = linearizerSubject(`${f.name}ᵀ`, adjoint(lin), f.codomain, f.domain);
  const fp = linearizerSubject(`${f.name}⁺`, pinv(lin).map, f.codomain, f.domain);
  const checks = [...superpositionLaw(f), ...adjointLaw(f, ft), ...pinvLaw(f, fp), ...(await svdLaw(f)), ...combinationLaw(f, second), ...compositionLaw(ft, f)];
  if (lin.operator.kind === "projector") checks.push(...projectorLaw(f));
  return checks;
}

/** The laws of one operator kind, on the instance `seed` picks. */
export function operatorConformance(kind: OperatorKind, spaces: OperatorSpaces, seed = 1): Promise<Check[]> {
  // An indexed kind is checked at one of its styles: its index is not a time the time laws could sample.
  const make = (s: number): LinearOperator => {
    const op = OPERATOR_FACTORIES[kind](spaces.Y.space.dim, spaces.X.space.dim, s);
    return op.kind === "indexed_depthwise_conv" ? at(op, s % op.styles) : op;
  };
  const f = operatorMap(kind, make(seed), spaces);
  const h = operatorMap(`${kind}'`, make(seed + 1), spaces);
  return operatorLaws(f, h);
}
