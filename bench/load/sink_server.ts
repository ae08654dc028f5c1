/**
 * A local HTTP sink for load tests: answers 200 to every POST. `GET /count` tells how many
 * arrived, `GET /distinct` how many different paths, so a run can tell repeats from deliveries.
 */
let count = 0;
const paths = new Set<string>();
const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
  const path = new URL(req.url).pathname;
  if (req.method === "GET") return new Response(String(path === "/distinct" ? paths.size : count));
  await req.arrayBuffer();
  count++;
  paths.add(path);
  return new Response("ok");
});
console.log(
  JSON.stringify({ msg: "sluice listening", url: `http://127.0.0.1:${server.addr.port}` }),
);
