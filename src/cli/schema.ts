/** `sluice schema`: the JSON Schema of rule files, for editors. */
import { actionSpecs } from "../actions/catalog.ts";
import { buildRuleSchema } from "../rules/schema.ts";
import { type Command, EXIT_OK, parseFlags } from "./command.ts";

/** The `schema` command. */
export const schemaCommand: Command = {
  name: "schema",
  summary: "Print the JSON Schema of rule files",
  help: `Usage: sluice schema

Prints the JSON Schema of rule files. Save it and point your editor at it, e.g. with the YAML
language server: # yaml-language-server: $schema=../schema/rule.schema.json
This checkout keeps a copy in schema/rule.schema.json.`,
  run(args) {
    parseFlags(args, {}, false);
    console.log(JSON.stringify(buildRuleSchema(actionSpecs), null, 2));
    return Promise.resolve(EXIT_OK);
  },
};
