/**
 * The replay check: a signed event carries Stream's `created_at`, as an RFC 3339 string or as
 * integer nanoseconds since the epoch. One older than the configured maximum age is a replay (or
 * a clock far off), never something Stream itself would still be retrying.
 */

/** `created_at` as milliseconds since the epoch, or undefined when it is absent or unreadable. */
export function eventTimeMs(createdAt: unknown): number | undefined {
  if (typeof createdAt === "number") {
    return Number.isFinite(createdAt) ? createdAt / 1e6 : undefined;
  }
  if (typeof createdAt !== "string" || createdAt.length > 64) return undefined;
  if (/^[0-9]{1,25}$/.test(createdAt)) return Number(createdAt) / 1e6;
  const ms = Date.parse(createdAt);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Why an event is too old to accept (naming its age and the limit), or undefined when it is fresh
 * enough, has no readable `created_at`, or no limit is set.
 */
export function staleReason(
  createdAt: unknown,
  nowMs: number,
  maxAgeMs: number | undefined,
  field = "created_at",
): string | undefined {
  if (maxAgeMs === undefined) return undefined;
  const at = eventTimeMs(createdAt);
  if (at === undefined) return undefined;
  const age = nowMs - at;
  if (age <= maxAgeMs) return undefined;
  return `${field} is ${describeAge(age)} old, older than the maximum event age of ` +
    `${describeAge(maxAgeMs)} (a replay?)`;
}

function describeAge(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 172_800_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} days`;
}
