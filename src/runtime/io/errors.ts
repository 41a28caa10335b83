// Errors reading or writing weight and array files. Codes are stable; `tensor` names the tensor
// concerned where there is one, `file` the path.

export type FormatErrorCode =
  | "truncated" // the file ends before its header or data says it should
  | "corrupt_header" // header length, JSON, magic bytes or fields are malformed
  | "bad_offsets" // safetensors data offsets overlap, leave gaps or disagree with shape × dtype
  | "unsupported_dtype" // a dtype this reader does not handle
  | "fortran_order" // .npy in Fortran (column-major) order
  | "missing_tensor" // the network needs a tensor the file does not have
  | "unexpected_tensor" // the file has a tensor the network does not (usually a renaming mistake)
  | "shape_mismatch"
  | "dtype_mismatch"
  | "bad_value" // a state tensor with an impossible value (a non-permutation, a flag other than 0/1)
  | "io_error"; // the file system refused (not found, permission, disk full)

export class FormatError extends Error {
  readonly code: FormatErrorCode;
  readonly file: string | undefined;
  readonly tensor: string | undefined;

  constructor(code: FormatErrorCode, message: string, where: { file?: string; tensor?: string } = {}) {
    const prefix = [where.file, where.tensor === undefined ? undefined : `tensor "${where.tensor}"`].filter((s) => s !== undefined).join(": ");
    super(prefix === "" ? message : `${prefix}: ${message}`);
    this.name = "FormatError";
    this.code = code;
    this.file = where.file;
    this.tensor = where.tensor;
  }
}
