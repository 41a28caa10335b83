// The messages of LIN036x: indexed operators (`depthwise_conv(styles = n)`), whose at(K, s) selects
// one of n styles by a whole number rather than a flow time in [0, 1].
import type { Message } from "./common.js";

/** `at(K, s)` with s not a whole number in 0…styles−1. */
export function styleIndexInvalid(text: string, index: number, styles: number): Message<"LIN0360"> {
  return {
    code: "LIN0360",
    message: `${text} has ${styles} styles, so at(${text}, s) needs s to be one of 0…${styles - 1}, got ${index}`,
    because: [`${text} is indexed: each style has its own kernel, and at() selects one; mix styles by a linear combination, e.g. 0.35 * at(${text}, 0) + 0.65 * at(${text}, 1)`],
    fix: { title: `use a style index between 0 and ${styles - 1}`, edits: [] },
  };
}

/** `sampler(f)` or `verify one_step(f)` of an indexed map. */
export function indexedInSampler(text: string, what: string, styles: number): Message<"LIN0361"> {
  return {
    code: "LIN0361",
    message: `${what} integrates ${text} over a time t in [0, 1], but ${text} is indexed by ${styles} styles`,
    because: ["a sampler needs a time-conditioned map (its operator declared with time_conditioned(…))"],
    fix: { title: `fix a style first: at(${text}, 0)`, edits: [] },
  };
}
