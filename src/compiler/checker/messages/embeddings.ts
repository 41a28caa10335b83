// The messages of LIN037x: left-invertible embeddings φ : X ↪ E, their one-sided inverse
// left_inverse(φ), heads W ∘ φ and their generalized SVD (docs/gsvd.md).
import type { EmbeddingId, SpaceType, Type } from "../types.js";
import { describeSpace, describeType, spaceDim, spaceName } from "../types.js";
import type { Message } from "./common.js";

/** `embedding φ : X -> E` with E not Euclidean. */
export function embeddingIntoInduced(name: string, codomain: SpaceType): Message<"LIN0370"> {
  return {
    code: "LIN0370",
    message: `embedding ${name} maps into ${describeSpace(codomain)}, but an embedding's space E must be Euclidean`,
    because: [
      "a head W : E -> R^k is linear in E's own coordinates, and gsvd factors W there",
      "for a nonlinear injective extension write the network on E into the value: extend(H, isometric)",
    ],
    fix: { title: `declare E as R^${spaceDim(codomain)} and extend through the network`, edits: [] },
  };
}

/** An embedding that cannot be injective: E smaller than X, or a lift that changes with a time or style. */
export function embeddingNotInjective(name: string, domain: SpaceType, codomain: SpaceType, why: "smaller" | "varying"): Message<"LIN0371"> {
  const [n, m] = [spaceDim(domain), spaceDim(codomain)];
  return {
    code: "LIN0371",
    message:
      why === "smaller"
        ? `embedding ${name} : ${spaceName(domain)} -> ${spaceName(codomain)} maps dimension ${n} into ${m}: it cannot be injective`
        : `embedding ${name}'s lift depends on a time or a style: an embedding is one fixed injective map`,
    because: why === "smaller" ? [`a left-invertible map needs dim E ≥ dim X, here ${m} < ${n}`] : ["left_inverse(φ) inverts one map; fix the time or style with at(…) first"],
    fix: { title: why === "smaller" ? `make E at least R^${n}` : "use a time-free operator such as isometric", edits: [] },
  };
}

/** left_inverse(f) of something that is not a declared embedding. */
export function leftInverseOfNonEmbedding(text: string, t: Type): Message<"LIN0372"> {
  const linearizer = t.kind === "Map";
  return {
    code: "LIN0372",
    message: `left_inverse needs a map declared as an embedding (embedding φ : X -> E = …); ${text} is a ${describeType(t)}`,
    because: linearizer ? [`${text} is a Linearizer: its (two-sided where invertible) inverse is pinv(${text})`] : [],
    fix: { title: linearizer ? `use pinv(${text})` : "declare the map with `embedding φ : X -> E = …;`", edits: [] },
  };
}

/** φ ∘ left_inverse(φ), pinv(φ) or adjoint(φ): treating a one-sided inverse as two-sided. */
export function oneSidedInverse(name: string, what: "compose" | "pinv" | "adjoint", e: EmbeddingId): Message<"LIN0373"> {
  const message =
    what === "compose"
      ? `${name} * left_inverse(${name}) treats a left inverse as two-sided: only left_inverse(${name}) * ${name} is the identity`
      : `${what}(${name}) treats the embedding ${name} as a Linearizer with a two-sided structure`;
  return {
    code: "LIN0373",
    message,
    because: [`${name} : X -> E is injective but not onto E, so left_inverse(${name}) * ${name} = id on X while ${name} * left_inverse(${name}) only maps E onto ${name}'s image`],
    related: [{ location: e.location, message: `embedding ${e.name} declared here` }],
    fix: { title: what === "compose" ? `compose on the other side: left_inverse(${name}) * ${name}` : `use left_inverse(${name})`, edits: [] },
  };
}

/** gsvd(h) of a map that is not a head after an embedding. */
export function gsvdNeedsHead(text: string, t: Type): Message<"LIN0374"> {
  const map = t.kind === "Map";
  return {
    code: "LIN0374",
    message: `gsvd needs a map h = W * φ, a time-free head W into a Euclidean space after an embedding φ; ${text} is a ${describeType(t)}`,
    because: map ? ["a Linearizer's own decomposition is svd(f); gsvd factors the head of an embedding"] : [],
    fix: { title: map ? `use svd(${text}), or write h as W * φ` : "write h as W * φ with φ an embedding", edits: [] },
  };
}

/** `extend(H, A)` anywhere but as the whole value of an embedding, or with H that does not act on E. */
export function extendMisused(what: "outside" | "network" | "tagged" | "shape", text: string, codomain?: SpaceType, got?: Type): Message<"LIN0375"> {
  const messages = {
    outside: `extend(H, A) is the value of an embedding (\`embedding φ : X -> E = extend(H, A);\`), not an expression`,
    network: `the first argument of extend must be a network on E; ${text} is a ${got === undefined ? "value" : describeType(got)}`,
    tagged: `extend needs an untagged network: ${text} is tagged, so it would be two maps`,
    shape: `extend's network ${text} acts on another space than the embedding's ${codomain === undefined ? "E" : describeSpace(codomain)}`,
  };
  return {
    code: "LIN0375",
    message: messages[what],
    because: ["extend(H, A) is the injective map x ↦ H⁻¹(A·g_X(x)) into E, with H an invertible network declared on E"],
    fix: { title: "declare `network H : E { … }` and write `embedding φ : X -> E = extend(H, isometric);`", edits: [] },
  };
}
