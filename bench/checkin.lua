-- wrk: POST /api/v1/checkins as the web app sends it (bench/people.sh adds the Origin
-- and Sec-Fetch-Site headers of a same-origin page on the command line).
wrk.method = "POST"
wrk.body = '{"pain": 3, "areas": ["upper"], "note": "bench"}'
wrk.headers["Content-Type"] = "application/json"
