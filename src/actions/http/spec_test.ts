import { assertEquals } from "../../../test/support/assert.ts";
import { checkUrlOrigin, httpSpec } from "./spec.ts";
import { checkRenderedUrl, escapeUrlValue, headerSafe } from "./url.ts";

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

Deno.test("each {{ }} result in a url is one encoded path segment or query value", () => {
  const enc = (v: string, written = {}) => escapeUrlValue(v, ["url"], written);
  assertEquals(
    enc("../../admin/users/delete?confirm=yes&x="),
    "..%2F..%2Fadmin%2Fusers%2Fdelete%3Fconfirm%3Dyes%26x%3D",
  );
  assertEquals(enc("a\\b#frag"), "a%5Cb%23frag");
  assertEquals(enc("\ud800x"), "%EF%BF%BDx", "a lone surrogate does not throw");
  assertEquals(enc("a/b", { raw_url_values: true }), "a/b", "the documented opt-out");
  assertEquals(escapeUrlValue("a/b", ["headers", "x"], {}), "a/b", "only the url is encoded");
});

Deno.test("a rendered url with a dot segment is refused; encoded values pass", () => {
  assertEquals(checkRenderedUrl("https://x.example/api/review/..%2F..%2Fadmin"), undefined);
  assertEquals(checkRenderedUrl("https://x.example/api/?q=..&r=."), undefined);
  for (const bad of ["/api/review/..", "/api/%2e%2E/x", "/api/./x", "/api/.%2e", "/a\\..\\b"]) {
    assertEquals(typeof checkRenderedUrl(`https://x.example${bad}`), "string", bad);
  }
});

Deno.test("event values in headers never lose the request: controls become spaces, the rest is kept", () => {
  assertEquals(headerSafe("Zoë"), "Zoë");
  assertEquals(headerSafe("José 🚀"), "José %F0%9F%9A%80");
  assertEquals(headerSafe("a\r\nX-Evil: 1\0"), "a  X-Evil: 1 ");
  assertEquals(headerSafe("\ud800\u2028"), "%EF%BF%BD%E2%80%A8");
  assertEquals(escapeUrlValue("a\nb", ["headers", "x-name"], {}), "a b");
});

Deno.test("raw url values cannot hide a dot segment behind a tab or a line break", () => {
  assertEquals(typeof checkRenderedUrl("https://api.example/v1/.\t./.\n./admin/x"), "string");
});
