/** The baseline: a bare Hono app on Deno.serve that reads the body and answers 200, doing nothing else. */
import { Hono } from "hono";

const app = new Hono();
app.post("/webhooks/stream", async (c) => {
  await c.req.arrayBuffer();
  return c.json({ id: "bare" });
});
const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
console.log(
  JSON.stringify({ msg: "sluice listening", url: `http://127.0.0.1:${server.addr.port}` }),
);
