// pinv(f): the four Moore–Penrose conditions for f⁺, with the adjoints taken in the induced inner
// products (paper-notes §1.3): f∘f⁺∘f = f, f⁺∘f∘f⁺ = f⁺, and f∘f⁺, f⁺∘f self-adjoint. Compositions
// go through data space (throughPoints), so f⁺ is checked as a map on Y's points.
import type { Check } from "../law.js";
import { throughPoints, type MapUnderTest } from "../subject.js";
import { innerIdentityCheck } from "./adjoint.js";
import { equalCheck } from "./equal.js";

/** The Penrose conditions of f and its pseudo-inverse fp, through the induced spaces. */
export function pinvLaw(f: MapUnderTest, fp: MapUnderTest): Check[] {
  const ffp = throughPoints(f, fp);
  const fpf = throughPoints(fp, f);
  return [
    equalCheck("pinv", `${f.name}∘${fp.name}∘${f.name} = ${f.name}`, throughPoints(f, fpf), f, "coordinates"),
    equalCheck("pinv", `${fp.name}∘${f.name}∘${fp.name} = ${fp.name}`, throughPoints(fp, ffp), fp, "coordinates"),
    innerIdentityCheck("pinv", `${f.name}∘${fp.name} is self-adjoint in ⟨·,·⟩_${f.codomain.space.name}`, ffp, ffp),
    innerIdentityCheck("pinv", `${fp.name}∘${f.name} is self-adjoint in ⟨·,·⟩_${f.domain.space.name}`, fpf, fpf),
  ];
}
