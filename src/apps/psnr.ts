// Agreement of two batches of samples as the reference's test script measures it (paper-notes §2.7):
// per-sample PSNR = −10·log₁₀(MSE) on unclamped values (no peak term: peak 1), averaged over the
// samples (the PSNRs are averaged, not the MSEs), plus the largest absolute difference.

/** How closely two batches of samples agree: PSNR per sample (mean and worst) and the largest difference. */
export interface Agreement {
  /** Mean over the samples of −10·log₁₀(MSEᵢ); ∞ when every sample agrees exactly. */
  readonly psnrMean: number;
  /** The worst sample's PSNR. */
  readonly psnrMin: number;
  /** Mean over the samples of MSEᵢ. */
  readonly mseMean: number;
  /** −10·log₁₀ of the mean MSE: finite unless every sample agrees exactly (one exact sample makes psnrMean ∞). */
  readonly psnrOfMeanMse: number;
  readonly maxAbsDiff: number;
  /** Per-sample PSNRs. */
  readonly psnr: readonly number[];
}

/** a and b hold `rows` samples of equal size each, row-major. */
export function agreement(a: ArrayLike<number>, b: ArrayLike<number>, rows: number): Agreement {
  if (a.length !== b.length || rows < 1 || a.length % rows !== 0) throw new Error(`agreement: ${a.length} and ${b.length} values in ${rows} rows`);
  const width = a.length / rows;
  const psnr: number[] = [];
  let mseSum = 0;
  let maxAbsDiff = 0;
  for (let i = 0; i < rows; i++) {
    let se = 0;
    for (let j = i * width; j < (i + 1) * width; j++) {
      const d = (a[j] ?? 0) - (b[j] ?? 0);
      se += d * d;
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(d));
    }
    const mse = se / width;
    mseSum += mse;
    psnr.push(-10 * Math.log10(mse));
  }
  return {
    psnrMean: psnr.reduce((s, p) => s + p, 0) / rows,
    psnrMin: Math.min(...psnr),
    mseMean: mseSum / rows,
    psnrOfMeanMse: -10 * Math.log10(mseSum / rows),
    maxAbsDiff,
    psnr,
  };
}
