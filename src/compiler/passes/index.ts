// The optimiser: named rewrite rules, the engine that applies them to a fixpoint, the sampler collapse.
export { rewriteToFixpoint, firedCounts, RewriteBudgetExceeded, type TreeShape, type RewriteResult } from "./engine.js";
export type { Rule, FiredRule } from "./rule.js";
export { rankFacts, type RankFacts } from "./rank.js";
export { collapseSampler, stepOperator, operatorStepAlgebra } from "./collapse.js";
export { cheapestForm, recompress, isLazyKind } from "./representation.js";
export { structuralRules } from "./rules/algebra.js";
export { foldingRules } from "./rules/fold.js";
export { mapRules, mapShape } from "./rules/compose.js";
export { operatorRules, optimiseOperator, optimiseMap, mapApplications, mapOperatorCost, explainOptimisation, opShape, type MapOptimisation } from "./optimise.js";
