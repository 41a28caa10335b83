import * as tf from "@tensorflow/tfjs-core";
import { expect, it } from "vitest";
import { gatherAxis1 } from "../../../src/runtime/network/gather.js";
import { Rng } from "../../../src/runtime/random.js";
import { describeOnBackends, probeBackends } from "../backend/backends_under_test.js";

const probed = await probeBackends();

describeOnBackends("gatherAxis1", probed, () => {
  for (const shape of [
    [3, 5],
    [2, 4, 3],
    [2, 3, 2, 2],
  ]) {
    it(`permutes axis 1 of [${shape.join(", ")}] exactly like an index loop`, async () => {
      const n = shape.reduce((a, b) => a * b, 1);
      const x = Float32Array.from({ length: n }, (_, i) => i);
      const c = shape[1];
      const inner = n / (shape[0] * c);
      const idx = new Rng(c).permutation(c);
      if (idx.every((p, i) => p === i)) idx.reverse();
      const got = (await gatherAxis1(tf.tensor(x, shape), idx).data()) as Float32Array;
      const want = new Float32Array(n);
      for (let b = 0; b < shape[0]; b++) for (let i = 0; i < c; i++) for (let k = 0; k < inner; k++) want[(b * c + i) * inner + k] = x[(b * c + idx[i]) * inner + k];
      expect(Array.from(got)).toEqual(Array.from(want));
      expect(Array.from(got)).not.toEqual(Array.from(x)); // control: it did permute
    });
  }
});
