/** The test SQS fake as a process for load runs: one queue preloaded with N event messages. */
import { FakeSqs } from "../../test/support/fake_sqs.ts";

const n = Number(Deno.args[0] ?? 5000);
const fake = new FakeSqs().start();
const body = await Deno.readTextFile(
  new URL("../../examples/events/feeds.activity.added.json", import.meta.url),
);
for (const name of ["baseline", "sluice"]) {
  fake.createQueue(name, { visibilityTimeout: 60 });
  for (let i = 0; i < n; i++) fake.send(name, body);
}
console.log(JSON.stringify({ msg: "sluice listening", url: fake.url }));
