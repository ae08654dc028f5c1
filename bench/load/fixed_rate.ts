/**
 * An open-loop load generator: sends signed webhooks at a fixed rate and measures each answer's
 * latency from the moment it was scheduled (so a stall is not hidden by the sender waiting).
 */
import { signStreamBody } from "../../src/ingress/stream_signature.ts";

/** Latency percentiles in milliseconds, and how many requests were answered 200. */
export interface RateResult {
  rate: number;
  seconds: number;
  ok: number;
  failed: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

/**
 * Sends `rate` requests per second for `seconds` to `url`/webhooks/stream, the i-th with the body
 * `bodyOf(i)` (distinct bodies, so none is a duplicate), all signed before the clock starts.
 */
export async function fixedRate(
  url: string,
  bodyOf: (i: number) => string,
  secret: string,
  rate: number,
  seconds: number,
): Promise<RateResult> {
  const total = rate * seconds;
  const requests: { bytes: Uint8Array<ArrayBuffer>; signature: string }[] = [];
  for (let i = 0; i < total; i++) {
    const bytes = new TextEncoder().encode(bodyOf(i));
    requests.push({ bytes, signature: await signStreamBody(bytes, secret) });
  }
  const latencies: number[] = [];
  let failed = 0;
  const inflight: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const { bytes, signature } = requests[i];
    const scheduled = start + (i * 1000) / rate;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      fetch(`${url}/webhooks/stream`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-api-key": "bench-key",
          "x-signature": signature,
          "x-webhook-id": `rate-${start}-${i}`,
        },
        body: bytes,
      }).then(async (res) => {
        await res.arrayBuffer();
        if (res.status === 200) latencies.push(performance.now() - scheduled);
        else failed++;
      }, () => void failed++),
    );
  }
  await Promise.all(inflight);
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    rate,
    seconds,
    ok: latencies.length,
    failed,
    p50: at(0.5),
    p99: at(0.99),
    p999: at(0.999),
    max: latencies.at(-1) ?? NaN,
  };
}
