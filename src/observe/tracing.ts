/**
 * Spans around dispatch and each delivery, through `@opentelemetry/api` (the one file importing
 * it). Deno exports them, with its own spans for `Deno.serve` and `fetch`, when started with
 * `OTEL_DENO=true` (and the usual `OTEL_EXPORTER_OTLP_*` variables); otherwise they cost a no-op.
 */
import { type Attributes, SpanStatusCode, trace } from "@opentelemetry/api";

const tracer = () => trace.getTracer("sluice", "0.1.0");

/** Runs `fn` inside a span named `name`; an error thrown marks the span and is rethrown. */
export async function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (annotate: (attributes: Attributes) => void) => Promise<T>,
): Promise<T> {
  return await tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn((more) => span.setAttributes(more));
    } catch (e) {
      span.recordException(e instanceof Error ? e : String(e));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw e;
    } finally {
      span.end();
    }
  });
}
