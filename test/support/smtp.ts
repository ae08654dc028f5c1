/** A real SMTP server (npm smtp-server) on 127.0.0.1 that records messages and can refuse them. */
// @ts-types="@types/smtp-server"
import { SMTPServer, type SMTPServerOptions } from "smtp-server";

/** One accepted message. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  user?: string;
  secure: boolean;
}

/** A running SMTP server. */
export interface SmtpStandIn {
  port: number;
  messages: ReceivedMail[];
  /** Makes the next DATA answers fail with these codes (e.g. 451, 550). */
  failNext(...codes: number[]): void;
  close(): Promise<void>;
}

const tls = new URL("../fixtures/tls/", import.meta.url);

/** Starts the server; `auth` requires that user and password, `tls` offers STARTTLS or implicit TLS. */
export async function startSmtp(
  options: { auth?: { user: string; pass: string }; tls?: "starttls" | "implicit" } = {},
): Promise<SmtpStandIn> {
  const messages: ReceivedMail[] = [];
  const failures: number[] = [];
  const config: SMTPServerOptions = {
    secure: options.tls === "implicit",
    authOptional: !options.auth,
    disabledCommands: options.tls ? [] : ["STARTTLS"],
    key: await Deno.readTextFile(new URL("key.pem", tls)),
    cert: await Deno.readTextFile(new URL("cert.pem", tls)),
    onAuth(auth, _session, callback) {
      const ok = options.auth && auth.username === options.auth.user &&
        auth.password === options.auth.pass;
      callback(
        ok ? null : new Error("Invalid username or password"),
        ok ? { user: auth.username } : undefined,
      );
    },
    onData(stream, session, callback) {
      let raw = "";
      stream.on("data", (chunk: Uint8Array) => (raw += new TextDecoder().decode(chunk)));
      stream.on("end", () => {
        const code = failures.shift();
        if (code) {
          const error = Object.assign(
            new Error(code >= 500 ? "Mailbox unavailable" : "Try again later"),
            { responseCode: code },
          );
          return callback(error);
        }
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          user: session.user as string | undefined,
          secure: session.secure,
        });
        callback();
      });
    },
  };
  const server = new SMTPServer(config);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    port: (server.server.address() as { port: number }).port,
    messages,
    failNext: (...codes) => failures.push(...codes),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
