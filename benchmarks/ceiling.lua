-- wrk script: POST one pre-encoded page of 100 records to a session, over and
-- over, one connection: the sandbox's own ceiling for sequential pages.
-- Configured from the environment: BENCH_PAGE (file with the body), BENCH_PATH, BENCH_KEY.
local f = io.open(os.getenv("BENCH_PAGE"), "rb")
wrk.body = f:read("*a")
f:close()
wrk.method = "POST"
wrk.path = os.getenv("BENCH_PATH")
wrk.headers["api-key"] = os.getenv("BENCH_KEY")
wrk.headers["content-type"] = "application/json"

function response(status, headers, body)
  if status ~= 202 then
    io.stderr:write("page refused: " .. status .. "\n")
  end
end
