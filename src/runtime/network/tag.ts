// The conditioning tag: one set of weights realises two spaces (g_x with tag 1, g_y with tag 0 in the
// reference, where it is a "time" of ones or zeros). Checked once per call at the network boundary.

import { NetworkError } from "./errors.js";

/** Returns the tag to feed to the conditioners: a number for tagged networks, undefined otherwise. */
export function checkTag(tagged: boolean, tag: number | undefined, where: string): number | undefined {
  if (!tagged) {
    if (tag !== undefined) throw new NetworkError("LIN1064", where, `the network is not tagged, but tag ${tag} was given`);
    return undefined;
  }
  if (tag === undefined) throw new NetworkError("LIN1063", where, "a tagged network needs tag 0 or 1");
  if (tag !== 0 && tag !== 1) throw new NetworkError("LIN1064", where, `tag must be 0 or 1, got ${tag}`);
  return tag;
}
