import { assertEquals } from "../../../test/support/assert.ts";
import { regionOfQueueUrl } from "./client.ts";

Deno.test("regionOfQueueUrl reads the region of AWS queue URLs only", () => {
  assertEquals(regionOfQueueUrl("https://sqs.eu-west-1.amazonaws.com/123456789012/q"), "eu-west-1");
  assertEquals(
    regionOfQueueUrl("https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q"),
    "cn-north-1",
  );
  assertEquals(regionOfQueueUrl("http://127.0.0.1:4566/000000000000/q"), undefined);
});
