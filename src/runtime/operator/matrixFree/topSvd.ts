// The top-k singular triplets of a map known only by its products: randomized block Krylov
// (Musco & Musco 2015) on AᵀA with Rayleigh–Ritz extraction, restarted from the leading Ritz vectors
// when the basis reaches maxBasis columns, so memory stays bounded at image scale (D = 196,608). The
// convolutions this is for have clustered leading singular values (|K̂(ω)| near its peak), where a
// Krylov space converges in about the square root of the iterations subspace iteration needs.
// Hand-written: no maintained npm package offers a matrix-free SVD on float64 host matrices.
import { columns, concatColumns, concatRows, denseSvd, matmul, matrix, thinQr, transposeMatrix, type Matrix } from "../host.js";
import { subtract } from "../../linalg/index.js";
import { seededRandom, type Random } from "../../random.js";
import { CountingMap, column, columnNorms, norm2, requireOption, type MatrixFreeMap } from "./map.js";

/** Options of topSvd; every field has a default. */
export interface TopSvdOptions {
  /**
   * Extra block columns beyond k (default max(k, 8)): convergence goes with the gap between σ_k and
   * σ_{k+oversampling+1}, which for clustered spectra (convolutions) only a wide block opens.
   */
  readonly oversampling?: number;
  /**
   * Stop when every kept triplet's residual is ≤ tol·σ₁ (default 1e-8). Below about max(rows, cols)·ε
   * the rounding of the residual itself is larger, and the run ends unconverged at maxIterations.
   */
  readonly tol?: number;
  /** Most Krylov steps (each one Aᵀ and one A product on a block), restarts included (default 200). */
  readonly maxIterations?: number;
  /**
   * Most basis columns before a restart (default 8 blocks, at most cols). Memory is about
   * (rows + cols)·maxBasis float64; at least min(cols, 2 blocks).
   */
  readonly maxBasis?: number;
  /**
   * Krylov steps between residual checks (default: only when the basis is full, before each restart).
   * A check costs two products of width k plus a QR of the rows×basis image.
   */
  readonly checkEvery?: number;
  /** Seed of the Gaussian starting block (default 0). */
  readonly seed?: number;
}

/** The top-k singular triplets A·vᵢ ≈ σᵢ·uᵢ, Aᵀ·uᵢ ≈ σᵢ·vᵢ and what certifies them. */
export interface TopSvdResult {
  /** rows×k, orthonormal columns. */
  readonly u: Matrix;
  /** k Ritz values, descending. */
  readonly s: Float64Array;
  /** cols×k, orthonormal columns. */
  readonly v: Matrix;
  /** max(‖A·vᵢ − σᵢ·uᵢ‖, ‖Aᵀ·uᵢ − σᵢ·vᵢ‖) per triplet, from two explicit products A·V and Aᵀ·U. */
  readonly residuals: Float64Array;
  /**
   * ‖[A·V − U·Σ; Aᵀ·U − V·Σ]‖_F/√2 (≤ √k·max residual). Guarantee (Kahan's theorem for the symmetric
   * [[0, A], [Aᵀ, 0]], whose eigenvalues are ±σⱼ(A) and zeros, applied to the orthonormal [U; V]/√2):
   * there are k distinct singular values of A (counting 0 when rows ≠ cols) σ_{j₁}, …, σ_{jₖ} with
   * |σᵢ − σ_{jᵢ}| ≤ errorBound; one triplet alone: σᵢ is within residuals[i] of a singular value (or 0).
   * Also σᵢ ≤ σᵢ(A) up to rounding (Ritz values from an orthonormal subspace interlace). What no
   * residual can certify is that jᵢ = i: a singular vector orthogonal to the whole Krylov space is
   * missed without trace. The Gaussian start makes that an event of probability zero in exact
   * arithmetic; a singular value below the tolerance's resolution may still be skipped when
   * σ₁ ≫ σᵢ.
   */
  readonly errorBound: number;
  /** The absolute residual target tol·σ₁ the run aimed for. */
  readonly tolerance: number;
  /** Krylov steps taken. */
  readonly iterations: number;
  /** Calls of times and transposeTimes, residual checks included. */
  readonly products: number;
  /** Whether every residual reached the tolerance. */
  readonly converged: boolean;
}

/** Thresholds |rⱼⱼ| ≤ DEPENDENT·‖yⱼ‖ as numerically dependent: beyond this, CGS2 no longer guarantees orthogonality. */
const DEPENDENT = 1e-8;

/** n×w standard normal. */
function gaussian(n: number, w: number, random: Random): Matrix {
  const out = matrix(n, w);
  for (let i = 0; i < out.data.length; i++) out.data[i] = random.normal();
  return out;
}

/** Q·C for the basis stored as its rows Qt (m×n): (Cᵀ·Qt)ᵀ, so both products run on the dense kernels. */
const basisTimes = (qt: Matrix, c: Matrix): Matrix => transposeMatrix(matmul(transposeMatrix(c), qt));

/**
 * An orthonormal n×w block spanning y's columns with the basis rows qt projected out (classical
 * Gram–Schmidt twice, then QR). A column that the projection annihilates — the Krylov space became
 * invariant, or A has low rank — is replaced by a random one, so the basis keeps growing.
 */
function orthonormalExtension(qt: Matrix | undefined, y: Matrix, random: Random): Matrix {
  let block = y;
  for (let attempt = 0; attempt < 4; attempt++) {
    const before = columnNorms(block);
    if (qt !== undefined) for (let pass = 0; pass < 2; pass++) block = subtract(block, basisTimes(qt, matmul(qt, block)));
    const { q, r } = thinQr(block);
    const bad: number[] = [];
    for (let j = 0; j < block.cols; j++) if (!(Math.abs(r.data[j * r.cols + j]) > DEPENDENT * before[j])) bad.push(j);
    if (bad.length === 0) return q;
    block = matrix(block.rows, block.cols, block.data);
    for (const j of bad) for (let i = 0; i < block.rows; i++) block.data[i * block.cols + j] = random.normal();
  }
  throw new RangeError("topSvd: cannot extend the basis (it spans the space)");
}

/** Rayleigh–Ritz on span(Q) with B = A·Q: the SVD of B through its QR, keeping the top `keep`. */
function rayleighRitz(qt: Matrix, b: Matrix, keep: number): { u: Matrix; s: Float64Array; w: Matrix; v: Matrix } {
  const { q, r } = thinQr(b);
  const small = denseSvd(r);
  const kept = Math.min(keep, small.s.length);
  const w = columns(small.v, 0, kept);
  return { u: matmul(q, columns(small.u, 0, kept)), s: small.s.slice(0, kept), w, v: basisTimes(qt, w) };
}

/** Per-triplet residual norms ‖A·vᵢ − σᵢ·uᵢ‖ and ‖Aᵀ·uᵢ − σᵢ·vᵢ‖ from explicit products. */
function tripletResiduals(map: CountingMap, u: Matrix, s: Float64Array, v: Matrix): { left: Float64Array; right: Float64Array } {
  const av = map.times(v);
  const atu = map.transposeTimes(u);
  const left = new Float64Array(s.length);
  const right = new Float64Array(s.length);
  for (let j = 0; j < s.length; j++) {
    const a = column(av, j);
    const uj = column(u, j);
    for (let i = 0; i < a.length; i++) a[i] -= s[j] * uj[i];
    left[j] = norm2(a);
    const t = column(atu, j);
    const vj = column(v, j);
    for (let i = 0; i < t.length; i++) t[i] -= s[j] * vj[i];
    right[j] = norm2(t);
  }
  return { left, right };
}

/**
 * The top-k singular triplets of `map` by restarted randomized block Krylov iteration, using only
 * A·M and Aᵀ·M on blocks of k + oversampling columns. Iterates until every triplet's residual is
 * ≤ tol·σ₁ or maxIterations Krylov steps; the residuals returned are recomputed from two explicit
 * products, so they hold for what is returned (see TopSvdResult.errorBound for the guarantee).
 * Throws LIN1009 for k outside 1…min(rows, cols) or an option out of range, LIN1001 when a product
 * returns the wrong shape.
 */
export function topSvd(map: MatrixFreeMap, k: number, options: TopSvdOptions = {}): TopSvdResult {
  const what = "topSvd";
  const full = Math.min(map.rows, map.cols);
  requireOption(what, "k", k, 1, full, true);
  const oversampling = options.oversampling ?? Math.max(k, 8);
  requireOption(what, "oversampling", oversampling, 0, Infinity, true);
  const tol = options.tol ?? 1e-8;
  requireOption(what, "tol", tol, 0);
  const maxIterations = options.maxIterations ?? 200;
  requireOption(what, "maxIterations", maxIterations, 0, Infinity, true);
  const checkEvery = options.checkEvery ?? Infinity;
  if (options.checkEvery !== undefined) requireOption(what, "checkEvery", checkEvery, 1, Infinity, true);
  const block = Math.min(k + oversampling, full);
  const maxBasisOption = options.maxBasis ?? 8 * block;
  requireOption(what, "maxBasis", maxBasisOption, Math.min(map.cols, 2 * block), Infinity, true);
  const maxBasis = Math.min(map.cols, maxBasisOption);

  const counted = new CountingMap(map, what);
  const random = seededRandom(options.seed ?? 0);
  let x = orthonormalExtension(undefined, gaussian(map.cols, block, random), random);
  let qt = transposeMatrix(x);
  let b = counted.times(x);
  let lastWidth = block;
  let iterations = 0;
  let sinceCheck = 0;
  for (;;) {
    if (qt.rows < maxBasis && iterations < maxIterations && sinceCheck < checkEvery) {
      // One Krylov step: the next block spans AᵀA·(last block) beyond the basis.
      const width = Math.min(lastWidth, maxBasis - qt.rows);
      const y = counted.transposeTimes(columns(b, b.cols - lastWidth, b.cols - lastWidth + width));
      x = orthonormalExtension(qt, y, random);
      qt = concatRows(qt, transposeMatrix(x));
      b = concatColumns(b, counted.times(x));
      lastWidth = width;
      iterations++;
      sinceCheck++;
      continue;
    }
    const ritz = rayleighRitz(qt, b, block);
    const u = columns(ritz.u, 0, k);
    const v = columns(ritz.v, 0, k);
    const s = ritz.s.slice(0, k);
    const { left, right } = tripletResiduals(counted, u, s, v);
    const tolerance = tol * s[0];
    const residuals = left.map((l, i) => Math.max(l, right[i]));
    const converged = residuals.every((r) => r <= tolerance);
    if (converged || iterations >= maxIterations || qt.rows >= map.cols) {
      const errorBound = Math.sqrt(left.reduce((sum, l, i) => sum + l * l + right[i] * right[i], 0) / 2);
      return { u, s, v, residuals, errorBound, tolerance, iterations, products: counted.products, converged };
    }
    sinceCheck = 0;
    if (qt.rows >= maxBasis) {
      // Restart from the leading Ritz vectors: A·(Q·W) = B·W needs no product.
      qt = transposeMatrix(ritz.v);
      b = matmul(b, ritz.w);
      lastWidth = qt.rows;
    }
  }
}
