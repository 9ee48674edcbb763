-- wrk script (bench/run.sh): the mean of what the gateway says it added itself to each answer
-- (its X-Gateway-Time header, in ms), beside wrk's own latency figures.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  sum, n = 0, 0
end

function response(status, headers, body)
  local own = tonumber(headers["X-Gateway-Time"] or headers["x-gateway-time"])
  if own then
    sum, n = sum + own, n + 1
  end
end

function done(summary, latency, requests)
  local s, c = 0, 0
  for _, t in ipairs(threads) do
    s, c = s + t:get("sum"), c + t:get("n")
  end
  if c > 0 then
    io.write(string.format("gateway's own time (X-Gateway-Time): mean %.3f ms over %d answers; wrk latency p50 %.2f ms\n",
      s / c, c, latency:percentile(50) / 1000))
  end
end
