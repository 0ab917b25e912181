-- wrk: POST /v1/stakeholders with a new name each time.
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"name":"Load %d-%d","group":"external","tags":["load"]}', math.random(1, 1e9), n)
  return wrk.format("POST", "/v1/stakeholders", nil, body)
end
