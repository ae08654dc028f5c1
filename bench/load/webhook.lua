-- wrk script: POST a signed Stream webhook with a distinct X-Webhook-Id per request.
-- Body and signature come from the environment (see bench/load/webhook_load.ts).
local body = os.getenv("WEBHOOK_BODY")
local signature = os.getenv("WEBHOOK_SIGNATURE")
local counter = 0
local thread_id = 0

function setup(thread)
  thread:set("thread_id", thread_id)
  thread_id = thread_id + 1
end

function request()
  counter = counter + 1
  return wrk.format("POST", "/webhooks/stream", {
    ["Content-Type"] = "application/json",
    ["X-Api-Key"] = "bench-key",
    ["X-Signature"] = signature,
    ["X-Webhook-Id"] = "wrk-" .. thread_id .. "-" .. counter .. "-" .. os.time(),
  }, body)
end
