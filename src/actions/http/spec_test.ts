import { assertEquals } from "../../../test/support/assert.ts";
import { checkUrlOrigin, httpSpec } from "./spec.ts";

Deno.test("checkUrlOrigin accepts templates in path and query only", () => {
  assertEquals(checkUrlOrigin("https://api.example/x/{{ id }}?q={{ q }}"), undefined);
  assertEquals(checkUrlOrigin("http://127.0.0.1:8080/{{ a }}"), undefined);
  assertEquals(checkUrlOrigin("https://api.example"), undefined);
});

Deno.test("checkUrlOrigin refuses templated schemes and hosts, and non-http URLs", () => {
  for (
    const url of [
      "{{ url }}",
      "https://{{ host }}/x",
      "https://api.{{ tenant }}.example/x",
      "https://api.example{{ path }}",
      "{{ scheme }}://api.example/x",
    ]
  ) {
    assertEquals(typeof checkUrlOrigin(url), "string", url);
  }
  assertEquals(checkUrlOrigin("ftp://x.example/"), 'scheme must be http or https, not "ftp"');
  assertEquals(checkUrlOrigin("not a url"), 'not an absolute http(s) URL: "not a url"');
});

Deno.test("http refuses json and body together", () => {
  assertEquals(httpSpec.check!({ url: "https://x.example", json: {}, body: "x" }), [
    { path: ["body"], message: 'use either "json" or "body", not both' },
  ]);
});
