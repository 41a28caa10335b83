// Public surface of weight and array files.
export { FormatError, type FormatErrorCode } from "./errors.js";
export type { HostTensor, Dtype } from "./host_tensor.js";
export { encodeSafetensors, decodeSafetensors, saveSafetensors, loadSafetensors, type SafetensorsFile } from "./safetensors.js";
export { encodeNpy, decodeNpy, saveNpy, loadNpy, type NpyArray } from "./npy.js";
export { saveNetwork, loadNetwork, assignNetworkTensors, networkTensors, type LoadOptions } from "./network_io.js";
export { writeFileAtomic, removeOrphanedTempFiles } from "./atomic.js";
export { fileSystemError, errnoOf } from "./fs_failure.js";
export { requireFinite } from "./finite.js";
export { openForReading, readWholeFile, type ReadableFile } from "./read_file.js";
export { numbersOf } from "./host_tensor.js";
