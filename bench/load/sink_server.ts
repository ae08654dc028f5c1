/** A local HTTP sink for load tests: answers 200 to every POST; GET /count tells how many arrived. */
let count = 0;
const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
  if (req.method === "GET") return new Response(String(count));
  await req.arrayBuffer();
  count++;
  return new Response("ok");
});
console.log(
  JSON.stringify({ msg: "sluice listening", url: `http://127.0.0.1:${server.addr.port}` }),
);
