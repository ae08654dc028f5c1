/**
 * Validation of parsed YAML against a JSON Schema with ajv, every error turned into a located
 * {@link Problem} with a message written for the rule author rather than for a schema reader.
 */
import { Ajv, type ErrorObject } from "ajv";
import { SECRET_MARK } from "../actions/schema_marks.ts";
import type { JsonSchema } from "../actions/spec.ts";
import { type FieldPath, formatFieldPath } from "../template/field_path.ts";
import { DURATION_PATTERN } from "./duration.ts";
import type { Problem } from "./problem.ts";
import type { SourceFile } from "./source.ts";
import { didYouMean } from "./suggest.ts";

/** A compiled schema: returns the located problems of one document's data. */
export type SchemaCheck = (data: unknown, source: SourceFile) => Problem[];

/** Compiles `schema` once; the returned check reports every error, not only the first. */
export function compileSchemaCheck(schema: JsonSchema): SchemaCheck {
  const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true, strict: true });
  ajv.addFormat("duration", new RegExp(DURATION_PATTERN));
  ajv.addKeyword({ keyword: SECRET_MARK, schemaType: "boolean" });
  const validate = ajv.compile(schema);
  return (data, source) => {
    if (validate(data)) return [];
    const seen = new Set<string>();
    const problems: Problem[] = [];
    for (const error of validate.errors ?? []) {
      const p = toProblem(error, source);
      const key = `${p.line}:${p.col}:${p.message}`;
      if (!seen.has(key)) problems.push(p);
      seen.add(key);
    }
    return problems;
  };
}

function toProblem(error: ErrorObject, source: SourceFile): Problem {
  const path = pointerToPath(error.instancePath);
  const where = path.length ? `${formatFieldPath(path)}: ` : "";
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties": {
      const name = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema?.properties ?? {}) as object);
      const isAction = error.schemaPath.endsWith("/do/items/additionalProperties");
      const what = isAction ? "action" : "key";
      const hint = didYouMean(name, known) || (isAction ? ` (known: ${known.join(", ")})` : "");
      return source.problemAt([...path, name], `${where}unknown ${what} "${name}"${hint}`, "key");
    }
    case "required":
      return source.problemAt(
        path,
        `${where}missing required key "${params.missingProperty}"`,
        "key",
      );
    case "minProperties":
    case "maxProperties":
      return source.problemAt(path, `${where}each entry names exactly one action`);
    case "type":
      return source.problemAt(path, `${where}must be ${describeType(params.type)}`);
    case "enum":
      return source.problemAt(
        path,
        `${where}must be one of ${(params.allowedValues as unknown[]).map(String).join(", ")}`,
      );
    case "format":
      return source.problemAt(
        path,
        params.format === "duration"
          ? `${where}must be a duration such as 500ms, 10s, 5m or 1h`
          : `${where}must be a valid ${params.format}`,
      );
    case "minItems":
    case "minLength":
      return source.problemAt(path, `${where}must not be empty`);
    case "pattern":
      return source.problemAt(path, `${where}contains characters that are not allowed here`);
    default:
      return source.problemAt(path, `${where}${error.message ?? "is not valid"}`);
  }
}

function describeType(type: unknown): string {
  const names: Record<string, string> = {
    string: "a string",
    array: "a list",
    object: "a mapping",
    integer: "an integer",
    number: "a number",
    boolean: "true or false",
  };
  const types = Array.isArray(type) ? type : String(type).split(",");
  return types.map((t) => names[t] ?? t).join(" or ");
}

function pointerToPath(pointer: string): FieldPath {
  if (!pointer) return [];
  return pointer.slice(1).split("/").map((raw) => {
    const seg = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    return /^\d+$/.test(seg) ? Number(seg) : seg;
  });
}
