// Whether data rows fit the model's data space beyond their value count: an image stack in another
// layout (channels last) has the right count and would train on scrambled pixels, so it is refused.
import { TrainError } from "./errors.js";

const withoutUnitAxes = (shape: readonly number[]): number[] => shape.filter((d) => d !== 1);

/**
 * LIN0934 when rows of `dataShape` (as many values as `spaceShape`, checked before) are laid out
 * otherwise than the space. Flat rows or a flat space are taken as they are (row-major); axes of
 * size 1 are ignored ([N, 28, 28] fits [1, 28, 28]).
 */
export function requireRowLayout(dataShape: readonly number[], spaceShape: readonly number[], dataName: string): void {
  const data = withoutUnitAxes(dataShape);
  const space = withoutUnitAxes(spaceShape);
  if (data.length <= 1 || space.length <= 1 || data.join() === space.join()) return;
  const channelsLast = data.length === 3 && space.length === 3 && data[2] === space[0] && data[0] === space[1] && data[1] === space[2];
  const hint = channelsLast
    ? "the stack looks channels-last [N, H, W, C]: transpose it to [N, C, H, W], e.g. np.transpose(x, (0, 3, 1, 2))"
    : "reshape or transpose the data to the space's layout, or declare the space in the data's layout";
  throw new TrainError("LIN0934", `data ${dataName} has rows [${dataShape.join(", ")}] but the model's data space is [${spaceShape.join(", ")}]: ${hint}`);
}
