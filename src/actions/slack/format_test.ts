import { assertEquals } from "../../../test/support/assert.ts";
import { cutText, fitSlackMessage, sentLength } from "./format.ts";

Deno.test("lengths and cuts count an escaped $$ as the one $ that is sent", () => {
  const stored = "$$".repeat(50_000);
  assertEquals(sentLength(stored), 50_000);
  const cut = cutText(stored, 40_000);
  assertEquals(sentLength(cut), 40_000);
  assertEquals(cut.endsWith("$$…"), true, "never half of an escaped $");
  assertEquals(cutText("x".repeat(10) + "\u{1F680}", 11), "x".repeat(10) + "…");
});

Deno.test("context text, button labels, long button urls and alt texts are fitted too", () => {
  const params = {
    blocks: [
      {
        type: "context",
        elements: [{ type: "mrkdwn", text: "c".repeat(5_000) }, {
          type: "image",
          image_url: "https://x.example/i.png",
          alt_text: "a".repeat(3_000),
        }],
      },
      {
        type: "actions",
        elements: [{
          type: "button",
          text: { type: "plain_text", text: "b".repeat(100) },
          url: "https://x.example/" + "u".repeat(4_000),
        }],
      },
    ],
  };
  assertEquals(fitSlackMessage(params), [
    "blocks[0].elements[0].text cut from 5000 to 2000 characters",
    "blocks[0].elements[1].alt_text cut from 3000 to 2000 characters",
    "blocks[1].elements[0].text cut from 100 to 75 characters",
    "blocks[1].elements[0].url left out: 4018 characters, over 3,000",
  ]);
  const button = params.blocks[1].elements[0] as Record<string, unknown>;
  assertEquals(button.url, undefined);
  assertEquals((button.text as { text: string }).text.length, 75);
});
