/**
 * The README's settings table, generated from the declarations (`deno task docs` rewrites it;
 * `test/settings_doc_test.ts` fails when the README and the table differ).
 */
import { settingsTable } from "./table.ts";
import { declarations } from "./walk.ts";

/** Where the generated table sits in README.md. */
export const SETTINGS_START = "<!-- settings:start (deno task docs) -->";
export const SETTINGS_END = "<!-- settings:end -->";

/** Settings sluice does not read itself, but a deployment sets. */
const EXTRA_ROWS = [
  [
    "`AWS_REGION`, `AWS_ENDPOINT_URL_SQS`, AWS credentials",
    "",
    "as the AWS SDK reads them (default credential chain)",
    "the queue URL's region and origin",
  ],
];

/** The markdown table, one row per setting. */
export function settingsMarkdown(): string {
  const rows = declarations(settingsTable).map(({ setting }) => [
    setting.envDoc ?? (setting.env ? `\`${setting.env}\`` : ""),
    `\`${setting.key}\``,
    setting.doc,
    setting.defaultDoc ?? defaultText(setting.default),
  ]);
  rows.splice(rows.findIndex((r) => r[1] === "`sqs.queues`") + 1, 0, ...EXTRA_ROWS);
  const lines = [
    "| variable | file key | meaning | default |",
    "| --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r.map((c) => c.replaceAll("|", "\\\\|")).join(" | ")} |`),
  ];
  return lines.join("\n");
}

function defaultText(value: unknown): string {
  if (typeof value === "function") return "computed at start";
  if (value === undefined) return "none";
  if (Array.isArray(value) && value.length === 0) return "none";
  return `\`${typeof value === "string" ? value : JSON.stringify(value)}\``;
}

/** `readme` with its settings table replaced by the generated one. */
export function withSettingsTable(readme: string): string {
  const start = readme.indexOf(SETTINGS_START);
  const end = readme.indexOf(SETTINGS_END);
  if (start < 0 || end < start) {
    throw new Error(`README.md has no ${SETTINGS_START} … ${SETTINGS_END}`);
  }
  return `${readme.slice(0, start + SETTINGS_START.length)}\n\n${settingsMarkdown()}\n\n${
    readme.slice(end)
  }`;
}
