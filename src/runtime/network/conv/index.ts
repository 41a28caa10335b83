// Public surface of the convolutional coupling conditioners (issue 11): SongUNet-style `unet` and `resnet`.
export { buildConvConditioner, type ConvConditionerOptions } from "./build.js";
export type { ConvIo } from "./network.js";
export { conv2dSame } from "./conv2d.js";
