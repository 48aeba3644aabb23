import { capabilitiesRequest, sampleRequest, type OgcCheck, type OgcRequest } from '../../core/ogc/ogc-check.js';
import { judgeCapabilities, judgeFeatures, judgeImage, type OgcAnswer, type OgcVerdict } from '../../core/ogc/ogc-verdict.js';
import { describeError } from '../../errors.js';
import type { OgcProbeResult, OgcProbeStep } from '../../core/ogc/ogc-probe-result.js';

export interface OgcProbeOptions {
  /** Per request (default 10 s): a map server slower than that is not available for its users either. */
  readonly timeoutMs?: number;
  /** The largest answer read (default 8 MiB); a capabilities document of a big server is a few MiB. */
  readonly maxBytes?: number;
  /** Replaces global fetch (tests). */
  readonly fetch?: typeof fetch;
}

/**
 * Checks an OGC server as a client would: GetCapabilities (parsed, right root and version, the
 * expected layers offered), then one small GetMap, GetTile or GetFeature made from what the
 * capabilities say. The judging is src/core/ogc; this does the HTTP and the timing only.
 */
export async function probeOgc(baseUrl: string, check: OgcCheck, options: OgcProbeOptions = {}): Promise<OgcProbeResult> {
  const steps: OgcProbeStep[] = [];
  // The manifest rules make ogc.url parse; a published port's origin always does.
  if (!URL.canParse(baseUrl)) return { verdict: { ok: false, reason: 'Unreachable', message: 'the OGC endpoint is not a URL' }, steps, latencyMs: 0 };
  const capabilities = capabilitiesRequest(baseUrl, check);
  const first = await timed(capabilities, options, (answer) => judgeCapabilities(check, answer));
  steps.push(first.step);
  const summary = first.judged?.capabilities;
  if (first.step.verdict.ok && summary !== undefined) {
    const sample = sampleRequest(baseUrl, check, summary);
    if (sample !== undefined) {
      const judge = sample.kind === 'GetFeature' ? judgeFeatures : (answer: OgcAnswer) => judgeImage(sample.kind, answer);
      steps.push((await timed(sample, options, judge)).step);
    }
  }
  const failed = steps.find((step) => !step.verdict.ok);
  const last = steps[steps.length - 1];
  return {
    verdict: failed?.verdict ?? last?.verdict ?? first.step.verdict,
    steps,
    latencyMs: steps.reduce((sum, step) => sum + step.latencyMs, 0),
  };
}

async function timed<V extends OgcVerdict>(
  request: OgcRequest,
  options: OgcProbeOptions,
  judge: (answer: OgcAnswer) => V,
): Promise<{ step: OgcProbeStep; judged?: V }> {
  const started = performance.now();
  try {
    const answer = await get(request.url, options);
    const judged = judge(answer);
    const { capabilities: _capabilities, ...verdict } = judged as V & { capabilities?: unknown };
    return { step: { request, verdict, latencyMs: performance.now() - started }, judged };
  } catch (error) {
    const verdict: OgcVerdict = { ok: false, reason: 'Unreachable', message: `${request.kind} failed: ${describeError(error)}` };
    return { step: { request, verdict, latencyMs: performance.now() - started } };
  }
}

async function get(url: string, options: OgcProbeOptions): Promise<OgcAnswer> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const limit = options.maxBytes ?? 8 * 1024 * 1024;
  const signal = AbortSignal.timeout(timeoutMs);
  const response = await (options.fetch ?? fetch)(url, { signal, redirect: 'follow' });
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body !== null) {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > limit) {
        await response.body.cancel();
        throw new Error(`answer larger than ${String(limit)} bytes`);
      }
      chunks.push(chunk);
    }
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? undefined, body: Buffer.concat(chunks) };
}
