// The pure-TypeScript backend: used when the LAPACK addon is not built, or with LINEA_LINALG=js.
import { matmulJs } from "../arithmetic.js";
import type { LinalgKernels } from "../kernels.js";
import { jacobiEigh } from "./eigh.js";
import { luFactorJs, triangularSolveJs } from "./lu.js";
import { householderQr } from "./qr.js";
import { jacobiSvd } from "./svd.js";

export const jsKernels: LinalgKernels = {
  name: "js",
  matmul: matmulJs,
  qr: householderQr,
  luFactor: luFactorJs,
  triangularSolve: triangularSolveJs,
  eigh: jacobiEigh,
  svd: jacobiSvd,
};
