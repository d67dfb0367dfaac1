-- The soak's mix (bench/soak.sh): nine reads to a write, across the pages and the API.
-- A write is a check-in through the JSON API (the person's record grows by one each
-- time); every reply above 399 is counted.
local reads = { "/today", "/api/v1/plan", "/history", "/api/v1/catalog", "/api/v1/history",
                "/exercises", "/session", "/api/v1/profile", "/about" }
-- SOAK_WRITE=profile (bench/soak.sh --steady): the write is the profile saved again,
-- 10 or 15 minutes in turn: a write like any other (a transaction, the person's version
-- raised, the cached pages made again) that keeps the record the same size.
local steady = os.getenv("SOAK_WRITE") == "profile"
local n = 0
errors = 0

function request()
  n = n + 1
  if n % 10 == 0 then
    if steady then
      return wrk.format("PUT", "/api/v1/profile", { ["Content-Type"] = "application/json" },
                        '{"pregnant_weeks": 24, "pain": 4, "areas": ["upper"], "triggers": ["desk"], ' ..
                        '"equipment": ["wall", "chair"], "avoid": [], "minutes": ' ..
                        ((n % 20 == 0) and 10 or 15) .. '}')
    end
    return wrk.format("POST", "/api/v1/checkins", { ["Content-Type"] = "application/json" },
                      '{"pain": ' .. (n % 11) .. ', "note": "soak ' .. n .. '"}')
  end
  return wrk.format("GET", reads[(n % #reads) + 1])
end

function response(status, headers, body)
  if status >= 400 then
    errors = errors + 1
  end
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local e = 0
  for _, t in ipairs(threads) do
    e = e + t:get("errors")
  end
  io.write(string.format("soak: %d requests, %d replies of 400 or more, %d socket errors, median %.2f ms, p99 %.2f ms\n",
    summary.requests, e, summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
