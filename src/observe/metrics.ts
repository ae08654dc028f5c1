/**
 * Metrics in the Prometheus text format (version 0.0.4): counters and histograms with labels,
 * and gauges read when scraped. Small on purpose: sluice needs a dozen series, not a client
 * library.
 */

type Labels = Record<string, string>;

function key(labels: Labels): string {
  return Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",");
}

function escapeLabel(v: string): string {
  return v.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll('"', '\\"');
}

/** A monotonically increasing count per label set. */
export class Counter {
  private readonly values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string) {}

  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [k, v] of this.values) lines.push(`${this.name}${k ? `{${k}}` : ""} ${v}`);
    return lines.join("\n");
  }
}

/** Observations counted into cumulative buckets, with their sum and count. */
export class Histogram {
  private readonly series = new Map<string, { buckets: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly bounds: readonly number[]) {}

  observe(value: number, labels: Labels = {}): void {
    const k = key(labels);
    let s = this.series.get(k);
    if (!s) this.series.set(k, s = { buckets: this.bounds.map(() => 0), sum: 0, count: 0 });
    this.bounds.forEach((b, i) => {
      if (value <= b) s!.buckets[i]++;
    });
    s.sum += value;
    s.count++;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [k, s] of this.series) {
      const sep = k ? `${k},` : "";
      this.bounds.forEach((b, i) =>
        lines.push(`${this.name}_bucket{${sep}le="${b}"} ${s.buckets[i]}`)
      );
      lines.push(`${this.name}_bucket{${sep}le="+Inf"} ${s.count}`);
      lines.push(`${this.name}_sum${k ? `{${k}}` : ""} ${s.sum}`);
      lines.push(`${this.name}_count${k ? `{${k}}` : ""} ${s.count}`);
    }
    return lines.join("\n");
  }
}

/** Gauges read together at scrape time. */
interface GaugeGroup {
  gauges: Omit<Gauge, "read">[];
  read(): Promise<Record<string, number>>;
}

/** A value read at scrape time. */
export interface Gauge {
  name: string;
  help: string;
  read(): number | Promise<number>;
}

/** sluice's metrics (product.md §7) plus process metrics. */
export class Metrics {
  readonly events = new Counter(
    "sluice_events_total",
    "Events offered to sluice, by source, type and outcome.",
  );
  readonly ruleMatches = new Counter(
    "sluice_rule_matches_total",
    "Times a rule fired and sent (throttled, silenced and grouped events are not counted here).",
  );
  readonly ruleSuppressed = new Counter(
    "sluice_rule_suppressed_total",
    "Times a rule matched but sent nothing for the event, by reason (throttled, silenced, grouped).",
  );
  readonly groupSends = new Counter(
    "sluice_group_sends_total",
    "Sends of grouped events (each digest counts once in sluice_rule_matches_total too).",
  );
  readonly ruleErrors = new Counter(
    "sluice_rule_errors_total",
    "Times a rule's expression failed for an event, by part (if, template, throttle_key).",
  );
  readonly templateMissing = new Counter(
    "sluice_template_missing_total",
    "Templates whose whole value found nothing for an event, so their key was left out, by rule.",
  );
  readonly deliveries = new Counter(
    "sluice_deliveries_total",
    "Delivery attempts by rule, action and outcome (done, retry, dead).",
  );
  readonly deliveryDuration = new Histogram(
    "sluice_delivery_duration_seconds",
    "How long one delivery attempt took.",
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  );
  readonly ruleReloads = new Counter(
    "sluice_rule_reloads_total",
    "Rule reloads by outcome (ok, or failed: the last good rules kept running).",
  );
  readonly storeErrors = new Counter(
    "sluice_store_errors_total",
    "Store operations that failed (a write or read the database refused or could not answer).",
  );
  readonly dispatchFailures = new Counter(
    "sluice_dispatch_failures_total",
    "Dispatch batches that failed; their events are claimed again, and quarantined after 5 tries.",
  );
  readonly unknownTypes = new Counter(
    "sluice_unknown_event_types_total",
    "Accepted events whose type the catalogue does not know (routed like any other).",
  );
  readonly handoffFull = new Counter(
    "sluice_dispatch_backlog_full_total",
    "Accepted events left in the store because the dispatcher's in-memory backlog was full.",
  );
  private readonly groups: GaugeGroup[] = [];
  private readonly started = Date.now();

  /** Adds a gauge read at each scrape. */
  gauge(g: Gauge): void {
    this.groups.push({ gauges: [g], read: async () => ({ [g.name]: await g.read() }) });
  }

  /**
   * Adds gauges that come from one reading (e.g. one store query for several counts), so a scrape
   * reads it once; `read` returns the values by gauge name.
   */
  gaugeGroup(gauges: Omit<Gauge, "read">[], read: () => Promise<Record<string, number>>): void {
    this.groups.push({ gauges, read });
  }

  /** The exposition text. */
  async render(): Promise<string> {
    const parts = [
      this.events,
      this.ruleMatches,
      this.ruleSuppressed,
      this.ruleErrors,
      this.templateMissing,
      this.groupSends,
      this.deliveries,
      this.deliveryDuration,
      this.ruleReloads,
      this.storeErrors,
      this.dispatchFailures,
      this.unknownTypes,
      this.handoffFull,
    ].map((m) => m.render());
    const memory = Deno.memoryUsage();
    const process: GaugeGroup = {
      gauges: [
        { name: "process_resident_memory_bytes", help: "Resident memory size in bytes." },
        { name: "process_heap_used_bytes", help: "V8 heap in use, bytes." },
        { name: "process_start_time_seconds", help: "Start time since the epoch, seconds." },
      ],
      read: () =>
        Promise.resolve({
          process_resident_memory_bytes: memory.rss,
          process_heap_used_bytes: memory.heapUsed,
          process_start_time_seconds: this.started / 1000,
        }),
    };
    for (const group of [...this.groups, process]) {
      let values: Record<string, number> = {};
      try {
        values = await group.read();
      } catch {
        // A source that cannot be read shows as NaN rather than failing the whole scrape.
      }
      for (const g of group.gauges) {
        parts.push(
          `# HELP ${g.name} ${g.help}\n# TYPE ${g.name} gauge\n${g.name} ${
            values[g.name] ?? Number.NaN
          }`,
        );
      }
    }
    return parts.join("\n") + "\n";
  }
}
