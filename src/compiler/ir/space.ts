// A space as the IR sees it: an identity, a dimension and the network that induces it. Two spaces are
// the same only when their ids agree; the lowering derives the id from (network declaration, tag), so
// equal dimensions never make two spaces the same (the composition rule relies on this).

export interface IrSpace {
  /** Equality key: `induced:<uri>#<network>[tag]` or `euclidean:<shape>`. */
  readonly id: string;
  /** How the space is written, for explain output. */
  readonly name: string;
  readonly dim: number;
  /** The declared shape ([C, H, W] for an image space); absent for spaces made up by passes (R^k). */
  readonly shape?: readonly number[];
  /** The inducing network's id; undefined for a Euclidean space (g = identity, no network pass). */
  readonly network?: string;
  /** The conditioning tag of a tagged network (`induced G[1]`). */
  readonly tag?: number;
}

/** The declared shape, or [dim] for a space a pass made up. */
export function spaceShape(space: IrSpace): readonly number[] {
  return space.shape ?? [space.dim];
}

export function sameIrSpace(a: IrSpace, b: IrSpace): boolean {
  return a.id === b.id;
}

export function euclideanSpace(dim: number, name = `R^${dim}`): IrSpace {
  return { id: `euclidean:${dim}`, name, dim };
}

export function inducedSpace(network: string, dim: number, tag?: number, name?: string): IrSpace {
  const suffix = tag === undefined ? "" : `[${tag}]`;
  return { id: `induced:${network}${suffix}`, name: name ?? `induced ${network}${suffix}`, dim, network, ...(tag === undefined ? {} : { tag }) };
}
