// Every text the checker prints, one file per code range; the checking code reports them with
// `this.report(range, messages.someMessage(…))`.
export * from "./common.js";
export * from "./names.js";
export * from "./spaces.js";
export * from "./operators.js";
export * from "./networks.js";
export * from "./statements.js";
export * from "./indexed.js";
export * from "./embeddings.js";
