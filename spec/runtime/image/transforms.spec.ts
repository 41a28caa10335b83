// torchvision's steps re-implemented (src/runtime/image/transforms.ts) against torchvision/PIL/torch:
// Resize(size)'s output size (the longer side truncated), CenterCrop's offsets (Python's round, halves
// to even), PIL's convert("L") luma, and ToTensor + Normalize(0.5, 0.5) to the float32 bit. Controls:
// a half-up crop offset and a truncated luma are caught. All integer results are compared exactly; the
// floats too (the same float32 operations as torch, see writeTensor).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { centerCrop, shorterSideSize, toChannels, writeTensor } from "../../../src/runtime/image/transforms.js";
import type { Image8 } from "../../../src/runtime/image/resample.js";
import { Rng } from "../../../src/runtime/random.js";
import { torchMissing, torchScript } from "../../support/torch.js";

const shapes: [number, number, number][] = [
  [41, 22, 8],
  [19, 36, 8],
  [13, 8, 8], // crop offset (13 − 8) / 2 = 2.5: Python rounds to 2, half-up to 3
  [8, 15, 8], // 3.5 → 4
  [178, 218, 64], // a CelebA face
  [100, 37, 16],
  [64, 64, 64],
  [9, 9, 4], // 2.5 on both axes
];

interface Reference {
  sizes: [number, number][];
  offsets: [number, number][];
  luma: number[];
  tensor: number[];
}

describe.skipIf(torchMissing !== undefined)("torchvision's Resize size, CenterCrop, convert('L'), ToTensor + Normalize", () => {
  const rng = new Rng(4);
  const rgb: Image8 = { width: 16, height: 16, channels: 3, data: Uint8Array.from({ length: 16 * 16 * 3 }, () => Math.floor(rng.uniform() * 256)) };
  const dir = mkdtempSync(path.join(tmpdir(), "linea-transforms-"));
  writeFileSync(path.join(dir, "in.json"), JSON.stringify({ shapes, rgb: Array.from(rgb.data) }));
  const ref = torchScript<Reference>(
    dir,
    `
import os
from PIL import Image
import torchvision.transforms as T
import torchvision.transforms.functional as F
j = json.load(open(os.path.join(d, "in.json")))
sizes, offsets = [], []
for w, h, s in j["shapes"]:
    sizes.append(list(T.Resize(s)(Image.new("L", (w, h))).size))
    idx = int(F.center_crop(torch.arange(h * w).reshape(1, h, w), [s, s])[0, 0, 0])
    offsets.append([idx // w, idx % w])
im = Image.frombytes("RGB", (16, 16), bytes(j["rgb"]))
luma = list(im.convert("L").tobytes())
tensor = T.Normalize(0.5, 0.5)(T.ToTensor()(im)).flatten().tolist()
print(json.dumps({"sizes": sizes, "offsets": offsets, "luma": luma, "tensor": tensor}))
`,
  );

  it("Resize(size) gives torchvision's output size", () => {
    shapes.forEach(([w, h, s], i) => {
      const o = shorterSideSize(w, h, s);
      expect([o.width, o.height], `${w}×${h} → ${s}`).toEqual(ref.sizes[i]);
    });
  });

  it("CenterCrop takes torchvision's offsets (halves to even); control: half-up offsets are caught", () => {
    let halfUpWrong = 0;
    shapes.forEach(([w, h, s], i) => {
      // An image whose pixel value says where it was: the crop's first pixel gives the offset.
      const coords: Image8 = {
        width: w,
        height: h,
        channels: 2,
        data: Uint8Array.from({ length: w * h * 2 }, (_, k) => (k % 2 === 0 ? Math.floor(k / 2 / w) : Math.floor(k / 2) % w)),
      };
      const crop = centerCrop(coords, s);
      expect([crop.width, crop.height]).toEqual([s, s]);
      expect([crop.data[0], crop.data[1]], `${w}×${h} → ${s}`).toEqual(ref.offsets[i]);
      const halfUp = [Math.round((h - s) / 2), Math.round((w - s) / 2)];
      if (halfUp.join() !== ref.offsets[i].join()) halfUpWrong++;
    });
    expect(halfUpWrong).toBeGreaterThan(0);
    expect(() => centerCrop({ width: 3, height: 9, channels: 1, data: new Uint8Array(27) }, 4)).toThrow(RangeError);
  });

  it("grey is PIL's convert('L') exactly; control: the truncated luma (older Pillow's integer division by 1000) is caught", () => {
    expect(Array.from(toChannels(rgb, 1).data)).toEqual(ref.luma);
    const float = Array.from({ length: 256 }, (_, i) => Math.floor((299 * rgb.data[3 * i] + 587 * rgb.data[3 * i + 1] + 114 * rgb.data[3 * i + 2]) / 1000));
    expect(float).not.toEqual(ref.luma);
  });

  it("ToTensor + Normalize(0.5, 0.5) are torch's float32 values, [C, H, W]", () => {
    const out = new Float32Array(3 * 256);
    writeTensor(rgb, "symmetric", out, 0);
    expect(Array.from(out)).toEqual(ref.tensor);
  });
});

describe("toChannels", () => {
  it("drops alpha (PIL does not composite) and replicates grey to RGB", () => {
    const la: Image8 = { width: 2, height: 1, channels: 2, data: Uint8Array.of(10, 0, 200, 255) };
    expect(Array.from(toChannels(la, 3).data)).toEqual([10, 10, 10, 200, 200, 200]);
    expect(Array.from(toChannels(la, 1).data)).toEqual([10, 200]);
    const rgba: Image8 = { width: 1, height: 1, channels: 4, data: Uint8Array.of(1, 2, 3, 0) };
    expect(Array.from(toChannels(rgba, 3).data)).toEqual([1, 2, 3]);
  });
});
