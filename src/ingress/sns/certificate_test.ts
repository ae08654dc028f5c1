import { assertEquals } from "../../../test/support/assert.ts";
import { checkSnsUrl, isSnsHost } from "./certificate.ts";

Deno.test("SNS hosts: regional sns hosts only, not S3 buckets or look-alikes", () => {
  for (const h of ["sns.us-east-1.amazonaws.com", "sns.us-gov-west-1.amazonaws.com"]) {
    assertEquals(isSnsHost(h), true, h);
  }
  assertEquals(isSnsHost("sns.cn-north-1.amazonaws.com.cn"), true);
  assertEquals(isSnsHost("sns.ap-southeast-2.amazonaws.com"), true);
  const refused = [
    "sns.s3-eu-west-1.amazonaws.com", // an S3 bucket named "sns", legacy endpoint
    "sns.s3.amazonaws.com",
    "sns.eu-west-1.amazonaws.com.evil.example",
    "evil.sns.eu-west-1.amazonaws.com",
    "sns.eu-west.amazonaws.com",
    "sns.EU-west-1.amazonaws.com",
    "sns.eu-west-1.amazonaws.co",
    "sns.e-west-1.amazonaws.com",
    "sns.eu--1.amazonaws.com",
  ];
  for (const h of refused) assertEquals(isSnsHost(h), false, h);
});

Deno.test("certificate URLs: the SimpleNotificationService-<32 hex>.pem path only", () => {
  const base = "https://sns.eu-west-1.amazonaws.com";
  const good = `${base}/SimpleNotificationService-6aad65c2f9911b05cd53efda11f913f9.pem`;
  assertEquals(checkSnsUrl(good, isSnsHost, true), undefined);
  const pathProblem = "path is not /SimpleNotificationService-<32 hex>.pem";
  for (
    const url of [
      `${base}/x.pem`,
      `${base}/SimpleNotificationService-6aad65c2f9911b05cd53efda11f913f.pem`,
      `${base}/SimpleNotificationService-6aad65c2f9911b05cd53efda11f913fz.pem`,
      `${base}/a/SimpleNotificationService-6aad65c2f9911b05cd53efda11f913f9.pem`,
      `${good}?x=1`,
    ]
  ) {
    assertEquals(checkSnsUrl(url, isSnsHost, true), pathProblem, url);
  }
  assertEquals(checkSnsUrl(`${base}/confirm?Token=t`, isSnsHost), undefined, "SubscribeURL");
  assertEquals(checkSnsUrl("http://sns.eu-west-1.amazonaws.com/x", isSnsHost), "not https");
  assertEquals(
    checkSnsUrl(`https://sns.s3-eu-west-1.amazonaws.com/${"a".repeat(100_000)}`, isSnsHost),
    "host is not an SNS host",
    "the reason never quotes the URL",
  );
});
