import type { OgcRequest } from './ogc-check.js';
import type { OgcVerdict } from './ogc-verdict.js';

/** One request of a probe: what was asked, what it was judged, and how long it took. */
export interface OgcProbeStep {
  readonly request: OgcRequest;
  readonly verdict: OgcVerdict;
  readonly latencyMs: number;
}

/** A whole probe: passed when every step did; `verdict` is the first failure, or the last pass. */
export interface OgcProbeResult {
  readonly verdict: OgcVerdict;
  readonly steps: readonly OgcProbeStep[];
  /** Time of all the requests together. */
  readonly latencyMs: number;
}
