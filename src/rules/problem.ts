/** A problem found in a rule or test file, located to the key or value at fault. */
export interface Problem {
  file: string;
  line: number;
  col: number;
  message: string;
  /** Warnings are printed but do not fail `validate` or stop a load. */
  severity: "error" | "warning";
}

/** `PATH:LINE:COL: message`, the form editors and CI annotators understand. */
export function formatProblem(p: Problem): string {
  const prefix = p.severity === "warning" ? "warning: " : "";
  return `${p.file}:${p.line}:${p.col}: ${prefix}${p.message}`;
}

/** Orders problems by file, then line, then column. */
export function sortProblems(problems: Problem[]): Problem[] {
  return problems.toSorted((a, b) =>
    a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col
  );
}

/** Whether any of the problems is an error rather than a warning. */
export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === "error");
}

/** Thrown when a rule set cannot load; carries every problem found, not just the first. */
export class RuleLoadError extends Error {
  /** `sources`: the files read, with their texts, when the load got that far. */
  constructor(
    readonly problems: Problem[],
    readonly sources: readonly { path: string; text: string }[] = [],
  ) {
    const errors = problems.filter((p) => p.severity === "error");
    super(
      `${errors.length} problem(s) in rule files:\n${errors.map(formatProblem).join("\n")}`,
    );
    this.name = "RuleLoadError";
  }
}
