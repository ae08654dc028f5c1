/** Walking the settings table: every declaration with the path of its field in `Settings`. */
import type { Setting } from "./setting.ts";

/** A declaration and where its value goes. */
export interface DeclaredSetting {
  /** Field names from `Settings`' root, e.g. `["sqs", "pollersPerQueue"]`. */
  field: string[];
  setting: Setting<unknown>;
}

/** Every declaration of `table`, in order. */
export function declarations(table: object, field: string[] = []): DeclaredSetting[] {
  const out: DeclaredSetting[] = [];
  for (const [name, value] of Object.entries(table)) {
    if ((value as { kind?: string }).kind === "setting") {
      out.push({ field: [...field, name], setting: value as Setting<unknown> });
    } else out.push(...declarations(value as object, [...field, name]));
  }
  return out;
}
