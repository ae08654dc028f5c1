/**
 * The `email` action: one message over SMTP through nodemailer, one pooled transport per SMTP URL.
 * `smtps://` is TLS from the first byte; `smtp://` upgrades with STARTTLS when offered, and
 * `?starttls=required` refuses to go on without it. SMTP 4xx replies and connection failures are
 * retried, 5xx replies are permanent. nodemailer's file and URL access are off. Addresses go to
 * the mailer as parsed mailboxes with an explicit envelope, so the SMTP sender and recipients are
 * exactly the ones counted and checked.
 */
// @ts-types="@types/nodemailer"
import nodemailer from "nodemailer";
import type { ActionContext, ActionOutcome } from "../action.ts";
import type { TypedAction } from "../kind.ts";
import { parseAddressFields } from "./address.ts";
import type { EmailParams } from "./kind.ts";

/** Defaults from the config file's `smtp` section. */
export interface EmailActionOptions {
  /** Used when an action has no `smtp_url`. */
  defaultUrl?: string;
  /** Used when an action has no `from`. */
  defaultFrom?: string;
  /** Extra CA certificates (PEM) to trust, e.g. for an internal relay. */
  ca?: string;
}

/** The part of a nodemailer transporter this action uses. */
interface Transport {
  sendMail(message: Record<string, unknown>): Promise<unknown>;
  close(): void;
}

/** Sends email for `email` deliveries. */
export class EmailAction implements TypedAction<EmailParams> {
  private readonly transports = new Map<string, Transport>();

  constructor(private readonly options: EmailActionOptions = {}) {}

  async execute(params: EmailParams, ctx: ActionContext): Promise<ActionOutcome> {
    const url = params.smtpUrl ?? this.options.defaultUrl;
    const from = params.addresses.from ?? this.options.defaultFrom;
    if (!url) {
      return {
        kind: "permanent",
        error: "no smtp_url on the action and no smtp.url in the config",
      };
    }
    if (!from) {
      return { kind: "permanent", error: "no from on the action and no smtp.from in the config" };
    }
    const fields = parseAddressFields({ ...params.addresses, from });
    if (typeof fields === "string") return { kind: "permanent", error: fields };
    let transport: Transport;
    try {
      transport = this.transport(url);
    } catch (e) {
      return { kind: "permanent", error: `smtp_url: ${e instanceof Error ? e.message : e}` };
    }
    const recipients = [...fields.to ?? [], ...fields.cc ?? [], ...fields.bcc ?? []];
    const send = transport.sendMail({
      from: fields.from![0],
      to: fields.to,
      cc: fields.cc,
      bcc: fields.bcc,
      replyTo: fields.reply_to?.[0],
      envelope: { from: fields.from![0].address, to: recipients.map((m) => m.address) },
      subject: params.subject,
      text: params.text,
      html: params.html,
      headers: { "X-Sluice-Idempotency-Key": ctx.idempotencyKey },
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    const aborted = new Promise<never>((_, reject) => {
      ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason), { once: true });
    });
    try {
      await Promise.race([send, aborted]);
      return { kind: "ok" };
    } catch (e) {
      send.catch(() => undefined);
      if (ctx.signal.aborted) return { kind: "retry", error: `timed out after ${ctx.timeoutMs}ms` };
      const code = (e as { responseCode?: number }).responseCode;
      const reply = ((e as { response?: string }).response ?? (e as Error).message ?? String(e))
        .slice(0, 200);
      if (code !== undefined && code >= 500) {
        return { kind: "permanent", status: code, error: `SMTP ${reply}` };
      }
      return {
        kind: "retry",
        status: code,
        error: `SMTP ${code ? reply : `connection failed: ${reply}`}`,
      };
    }
  }

  private transport(url: string): Transport {
    const transport = this.transports.get(url);
    if (transport) return transport;
    const u = new URL(url);
    if (u.protocol !== "smtp:" && u.protocol !== "smtps:") {
      throw new Error("must be smtp:// or smtps://");
    }
    const secure = u.protocol === "smtps:";
    const created: Transport = nodemailer.createTransport({
      host: u.hostname,
      port: u.port ? Number(u.port) : secure ? 465 : 587,
      secure,
      requireTLS: u.searchParams.get("starttls") === "required",
      auth: u.username
        ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) }
        : undefined,
      tls: this.options.ca ? { ca: this.options.ca } : undefined,
      pool: true,
      maxConnections: 5,
      disableFileAccess: true,
      disableUrlAccess: true,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    this.transports.set(url, created);
    return created;
  }

  close(): Promise<void> {
    for (const t of this.transports.values()) t.close();
    this.transports.clear();
    return Promise.resolve();
  }
}
