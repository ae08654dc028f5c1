-- wrk script for bench/load/e2e_load.ts: POST signed Stream webhooks at a fixed total rate, each
-- a distinct event made here (so no repeat takes sluice's duplicate path, however long the run):
-- E2E_PREFIX .. n .. E2E_SUFFIX, n counting up across threads, signed with hmac_sha256.lua.
-- E2E_RATE is the total target in requests/s; each thread keeps its share on a schedule (a
-- request due in the past goes at once, up to the connections wrk holds open), so a server that
-- falls behind shows as fewer requests, not as a slower schedule.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local dir = os.getenv("BENCH_LUA_DIR")
local sign = dofile(dir .. "/hmac_sha256.lua")(os.getenv("BENCH_SECRET"))
local prefix, suffix = os.getenv("E2E_PREFIX"), os.getenv("E2E_SUFFIX")
local threads = tonumber(os.getenv("WRK_THREADS") or "2")
local interval = threads * 1000 / tonumber(os.getenv("E2E_RATE"))
local started = 0

function setup(thread)
  thread:set("id", started)
  started = started + 1
end

local sent, due = 0, nil

function delay()
  due = (due or now_ms()) + interval
  local wait = due - now_ms()
  return wait > 0 and wait or 0
end

-- Random like the UUIDs senders use (so each new id lands on a random page of sluice's dedupe
-- index, not next to the last one); n makes it unique.
local function webhook_id(n)
  return string.format("%08x-%04x-", math.random(0, 0x7fffffff), math.random(0, 0xffff)) .. n
end

function request()
  local n = id + threads * sent
  sent = sent + 1
  local body = prefix .. n .. suffix
  return wrk.format("POST", "/webhooks/stream", {
    ["Content-Type"] = "application/json",
    ["X-Api-Key"] = "bench-key",
    ["X-Signature"] = sign(body),
    ["X-Webhook-Id"] = webhook_id(n),
  }, body)
end
