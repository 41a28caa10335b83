// What `loss = idempotent` asks of the model (paper-notes §1.6): one network on both sides, so the map
// p : Z -> Z = Q lives in one induced space Z and p ∘ p = g⁻¹ Q² g = p holds by construction once Q is
// a projector. A map between two spaces (two networks, two tags, or a Euclidean side) has no such
// guarantee, so it is refused here with the train section's location instead of training something
// that is not idempotent.
import type { TrainDecl } from "../ast/nodes.js";
import type { MapT, SpaceType } from "../compiler/checker/types.js";
import { TrainError } from "./errors.js";

export const IDEMPOTENT_LOSS = "idempotent";
/** The operator builtin the idempotent objective trains. */
export const IDEMPOTENT_OPERATOR = "projector";

/** `file:line:col` of a train section (1-based, as editors show it). */
export function trainLocation(uri: string, decl: TrainDecl): string {
  return `${uri}:${decl.range.start.line + 1}:${decl.range.start.character + 1}`;
}

function describe(space: SpaceType): string {
  if (space.kind === "Euclidean") return `the Euclidean R^${space.shape.join("×")}`;
  return `induced ${space.network.name}${space.tag === undefined ? "" : `[${space.tag}]`}`;
}

/**
 * Throws LIN0902 unless the map's domain and codomain are the same induced space (same
 * network, same tag). `where` names the section and its location.
 */
export function checkIdempotentMap(where: string, mapName: string, map: MapT): void {
  const { domain, codomain } = map;
  const same =
    domain.kind === "Induced" &&
    codomain.kind === "Induced" &&
    domain.network.uri === codomain.network.uri &&
    domain.network.name === codomain.network.name &&
    domain.tag === codomain.tag;
  if (!same) {
    throw new TrainError(
      "LIN0902",
      `${where}: loss ${IDEMPOTENT_LOSS} needs a map from one induced space to itself (\`space Z = induced G; map ${mapName} : Z -> Z = Q;\`); ${mapName} goes from ${describe(domain)} to ${describe(codomain)}`,
    );
  }
  if (map.timeConditioned) throw new TrainError("LIN0902", `${where}: loss ${IDEMPOTENT_LOSS} trains a projector, not a time-conditioned map`);
}
