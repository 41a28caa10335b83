// Composition ≡ its collapsed form (paper-notes §1.3, "shared network"): for f₁ = 𝕃{g_x, g_y, A₁} and
// f₂ = 𝕃{g_y, g_z, A₂}, applying f₁, decoding, and applying f₂ equals 𝕃{g_x, g_z, A₂A₁}. The collapsed
// map is built directly (no space check), so a composition through different networks can be forced
// past the checker and is caught here: the inner g_y′∘g_y⁻¹ does not cancel.
import { product } from "../../runtime/operator/index.js";
import { Linearizer } from "../../runtime/space/index.js";
import type { Check } from "../law.js";
import { linearizerSubject, throughPoints, type MapUnderTest } from "../subject.js";
import { equalLaw } from "./equal.js";

/** 𝕃{g_x, g_z, A₂A₁} from f₂ after f₁, whatever the middle spaces are. */
export function collapsed(outer: MapUnderTest, inner: MapUnderTest): MapUnderTest {
  const a2 = outer.linearizer;
  const a1 = inner.linearizer;
  if (a1 === undefined || a2 === undefined) throw new Error(`collapsing ${outer.name} ∘ ${inner.name} needs two Linearizers`);
  const f = new Linearizer(a1.domain, a2.codomain, product(a2.operator, a1.operator));
  return linearizerSubject(`𝕃{A(${outer.name})·A(${inner.name})}`, f, inner.domain, outer.codomain);
}

/** outer(inner(x)) equals the collapsed composition. */
export function compositionLaw(outer: MapUnderTest, inner: MapUnderTest): Check[] {
  return equalLaw(throughPoints(outer, inner), collapsed(outer, inner), "composition", `${outer.name}(${inner.name}(x)) = collapsed(x)`);
}
