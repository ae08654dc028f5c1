/**
 * Spans around dispatch and each delivery, seen through a recording tracer provider registered
 * with `@opentelemetry/api` (Deno's own exporter takes this place when OTEL_DENO=true).
 */
import {
  type Attributes,
  type Span,
  trace,
  type Tracer,
  type TracerProvider,
} from "@opentelemetry/api";
import { assertEquals } from "./support/assert.ts";
import { startPipeline } from "./support/pipeline.ts";
import { startSink } from "./support/sink.ts";
import { waitUntil } from "./support/wait.ts";

interface Recorded {
  name: string;
  attributes: Attributes;
  ended: boolean;
}

function recordingProvider(spans: Recorded[]): TracerProvider {
  const tracer = {
    startSpan(name: string, options?: { attributes?: Attributes }) {
      const r: Recorded = { name, attributes: { ...options?.attributes }, ended: false };
      spans.push(r);
      const span = {
        setAttributes: (a: Attributes) => (Object.assign(r.attributes, a), span),
        setAttribute: (k: string, v: unknown) => ((r.attributes[k] = v as never), span),
        recordException: () => {},
        setStatus: () => span,
        end: () => void (r.ended = true),
        isRecording: () => true,
        spanContext: () => ({ traceId: "0".repeat(32), spanId: "0".repeat(16), traceFlags: 1 }),
        addEvent: () => span,
        updateName: () => span,
      };
      return span as unknown as Span;
    },
    startActiveSpan(
      name: string,
      options: { attributes?: Attributes },
      fn: (span: Span) => unknown,
    ) {
      return fn(tracer.startSpan(name, options));
    },
  };
  return { getTracer: () => tracer as unknown as Tracer };
}

Deno.test("dispatch and delivery spans carry the event, rules and outcome", async () => {
  const spans: Recorded[] = [];
  trace.setGlobalTracerProvider(recordingProvider(spans));
  const sink = startSink();
  const p = await startPipeline({
    "fwd.yaml": 'on: user.banned\ndo:\n  - http: { url: "${SINK}/x" }\n',
  }, { SINK: sink.url });
  try {
    const id = await p.send({ type: "user.banned" });
    await sink.waitFor(1);
    await waitUntil(
      () => spans.some((s) => s.name === "sluice.delivery" && s.ended),
      "delivery span ended",
    );
    const dispatch = spans.find((s) => s.name === "sluice.dispatch")!;
    assertEquals(dispatch.attributes, {
      "sluice.event.id": id,
      "sluice.event.type": "user.banned",
      "sluice.rules.matched": ["fwd"],
      "sluice.rules.throttled": [],
      "sluice.deliveries": 1,
    });
    const delivery = spans.find((s) => s.name === "sluice.delivery")!;
    assertEquals([delivery.attributes["sluice.event.id"], delivery.attributes["sluice.outcome"]], [
      id,
      "done",
    ]);
    assertEquals(delivery.attributes["http.response.status_code"], 200);
  } finally {
    trace.disable();
    await p.close();
    await sink.close();
  }
});
