-- wrk script: POST signed Stream webhooks, each a distinct body (fresh created_at, its own nonce)
-- with its own X-Webhook-Id, so no request takes sluice's cheap duplicate path.
-- WEBHOOK_POOL is a file of "signature<TAB>body" lines (see bench/load/webhook_load.ts); thread k
-- of WRK_THREADS sends lines k, k+T, k+2T, … and wraps around only if it runs out.
-- WEBHOOK_DELAY_MS paces each connection: it waits that long before each request (a closed loop,
-- so a slow answer delays the next send: latency under a pace, not an open-loop measurement).
local pool = os.getenv("WEBHOOK_POOL")
local thread_count = tonumber(os.getenv("WRK_THREADS") or "2")
local pause = tonumber(os.getenv("WEBHOOK_DELAY_MS") or "0")
-- Each run names its webhook ids apart, so a second run's ids are not the first's duplicates.
local run = os.getenv("WEBHOOK_RUN") or "wrk"
-- Counts threads in the main state; each thread gets its own `id` global from setup.
local started = 0

function setup(thread)
  thread:set("id", started)
  started = started + 1
end

local signatures, bodies, n, sent = {}, {}, 0, 0

function init(args)
  local k = 0
  for line in io.lines(pool) do
    if k % thread_count == id then
      local tab = line:find("\t", 1, true)
      n = n + 1
      signatures[n] = line:sub(1, tab - 1)
      bodies[n] = line:sub(tab + 1)
    end
    k = k + 1
  end
end

function request()
  sent = sent + 1
  local j = (sent - 1) % n + 1
  return wrk.format("POST", "/webhooks/stream", {
    ["Content-Type"] = "application/json",
    ["X-Api-Key"] = "bench-key",
    ["X-Signature"] = signatures[j],
    ["X-Webhook-Id"] = run .. "-" .. id .. "-" .. sent,
  }, bodies[j])
end

if pause > 0 then
  function delay()
    return pause
  end
end
