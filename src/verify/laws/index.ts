// Every law, each a reusable property over runtime objects returning checks (one per equation).
export { axiomsLaw, AXIOM_NAMES } from "./axioms.js";
export { superpositionLaw } from "./superposition.js";
export { roundtripLaw } from "./roundtrip.js";
export { equalLaw, equalCheck, type Where } from "./equal.js";
export { compositionLaw, collapsed } from "./composition.js";
export { oneStepLaw, oneStep, multiStep, timeOperatorOf } from "./oneStep.js";
export { adjointLaw, innerIdentityCheck } from "./adjoint.js";
export { pinvLaw } from "./pinv.js";
export { svdLaw, svdOf, type SvdUnderTest } from "./svd.js";
export { idempotentLaw, projectorLaw, orthogonalityCheck } from "./projector.js";
export { combinationLaw } from "./combination.js";
export { leftInverseLaw, normPreservingLaw, type NormMetric } from "./embedding.js";
