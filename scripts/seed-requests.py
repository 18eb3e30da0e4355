#!/usr/bin/env python3
"""Replays the example requests of Sprinto's session-management page against a
running `pushsh serve`, and checks a handful of error paths.

    scripts/seed-requests.py --base-url http://127.0.0.1:8080/api/external/push \
        --integration demo --api-key KEY

(or SPRINTO_BASE_URL / SPRINTO_INTEGRATION_ID / SPRINTO_API_KEY in the
environment). Standard library only. Prints one line per check and a summary;
exits 1 when any check fails, 2 when the server cannot be reached at all.

The session flow is the page's: start with {"client_reference_id": "text"},
read the session, send one page of one valid User, close with
{"status": "apply"}, then wait for `processed`. Every field the page's example
responses show must be present with the JSON type shown there.
"""

import argparse
import http.client
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

# --- what the seed page shows -------------------------------------------------

# The 201 example of "Start a new session" (field -> JSON type as shown).
SESSION_FIELDS = {
    "id": str,
    "integration_id": str,
    "state": str,
    "created_at": str,
    "updated_at": str,
    "expires_at": str,
    "inactivity_timeout_seconds": int,
    "accepted_records_total": int,
    "accepted_records_by_entity": dict,
    # The page shows "text"; the contract's decision is null until something fails.
    "last_error": (str, type(None)),
}
# The 200 example of "Get session status" and the 202 of "Close": Session plus these.
STATUS_FIELDS = dict(SESSION_FIELDS, accepted_batches=int, retry_count=int)
TIMESTAMP_FIELDS = ("created_at", "updated_at", "expires_at")
# The contract's format: ISO 8601 with milliseconds and Z.
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")

BATCH_FIELDS = {
    "session_id": str,
    "accepted_count_total": int,
    "accepted_count_by_entity": dict,
    "rejected_count_total": int,
    "validation_errors": list,
    "echoes": dict,
}

VALID_USER = {
    "employeeId": "SEED-0001",
    "firstName": "Ada",
    "lastName": "Lovelace",
    "fullName": "Ada Lovelace",
    "employmentStartDate": "2022-01-15T09:00:00.000Z",
    "employmentEndDate": None,
    "workEmail": "ada.lovelace@example.com",
    "managerId": None,
    "role": "Engineer",
    "roleDescription": "Builds the analytical engine",
    "employmentType": "EMPLOYEE",
}

# --- plumbing -----------------------------------------------------------------


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = {k.lower(): v for k, v in headers}
        self.raw = body
        try:
            self.json = json.loads(body.decode("utf-8")) if body else None
        except (UnicodeDecodeError, ValueError):
            self.json = None

    def __repr__(self):
        text = self.raw[:300].decode("utf-8", "replace")
        return f"HTTP {self.status} {text}"


class Client:
    def __init__(self, base_url, integration, api_key, timeout=10.0):
        self.base = base_url.rstrip("/")
        parts = urllib.parse.urlsplit(self.base)
        self.root = f"{parts.scheme}://{parts.netloc}"
        self.integration = integration
        self.api_key = api_key
        self.timeout = timeout

    def api(self, suffix):
        return f"{self.base}/v1/integrations/{urllib.parse.quote(self.integration, safe='')}{suffix}"

    def request(self, method, url, body=None, *, api_key=True, content_type="application/json", raw=None):
        headers = {"accept": "application/json"}
        if api_key is True:
            headers["api-key"] = self.api_key
        elif api_key:
            headers["api-key"] = api_key
        data = raw
        if body is not None:
            data = json.dumps(body).encode("utf-8")
        if data is not None and content_type:
            headers["content-type"] = content_type
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                return Response(r.status, r.getheaders(), r.read())
        except urllib.error.HTTPError as e:
            return Response(e.code, e.headers.items(), e.read())


class Failed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise Failed(message)


def expect_status(resp, status):
    expect(resp.status == status, f"expected HTTP {status}, got {resp!r}")
    ctype = resp.headers.get("content-type", "")
    expect(ctype.split(";")[0].strip() == "application/json", f"content-type is {ctype!r}, not application/json")
    expect(isinstance(resp.json, dict), f"body is not a JSON object: {resp!r}")


def type_name(t):
    if isinstance(t, tuple):
        return " or ".join(type_name(x) for x in t)
    return {str: "string", int: "integer", dict: "object", list: "array", type(None): "null", bool: "boolean"}[t]


def expect_fields(obj, fields, what):
    for name, kind in fields.items():
        expect(name in obj, f"{what}: field {name!r} is missing")
        value = obj[name]
        # bool is an int in Python; JSON true is not an integer.
        ok = isinstance(value, kind) and not (isinstance(value, bool) and kind in (int, (int,)))
        expect(ok, f"{what}: {name} should be {type_name(kind)}, got {json.dumps(value)}")


def expect_session(obj, fields, what):
    expect_fields(obj, fields, what)
    for name in TIMESTAMP_FIELDS:
        expect(TIMESTAMP.match(obj[name]), f"{what}: {name} {obj[name]!r} is not YYYY-MM-DDTHH:MM:SS.mmmZ")
    for entity, count in obj["accepted_records_by_entity"].items():
        expect(isinstance(count, int) and not isinstance(count, bool), f"{what}: accepted_records_by_entity.{entity} is not an integer")


def expect_error(resp, status, code):
    expect_status(resp, status)
    error = resp.json.get("error")
    expect(isinstance(error, dict), f"no error object in {resp!r}")
    expect(isinstance(error.get("message"), str) and error["message"], f"error.message missing in {resp!r}")
    expect(error.get("code") == code, f"expected error.code {code!r}, got {error.get('code')!r}")
    return error


# --- the checks ---------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default=os.environ.get("SPRINTO_BASE_URL", "http://127.0.0.1:8080/api/external/push"))
    parser.add_argument("--integration", default=os.environ.get("SPRINTO_INTEGRATION_ID", "demo"))
    parser.add_argument("--api-key", default=os.environ.get("SPRINTO_API_KEY"))
    parser.add_argument("--max-body-bytes", type=int, default=5_000_000, help="the server's body limit (for the 413 check)")
    parser.add_argument("--wait", type=float, default=10.0, help="seconds to wait for processing to finish")
    args = parser.parse_args()
    if not args.api_key:
        parser.error("give --api-key (or SPRINTO_API_KEY)")

    client = Client(args.base_url, args.integration, args.api_key)
    passed, failed = 0, 0
    state = {}

    def check(name, fn):
        nonlocal passed, failed
        try:
            detail = fn()
        except Failed as e:
            failed += 1
            print(f"FAIL {name}: {e}", flush=True)
        except (OSError, http.client.HTTPException) as e:
            failed += 1
            print(f"FAIL {name}: request failed: {e!r}", flush=True)
        else:
            passed += 1
            print(f"ok   {name}" + (f" ({detail})" if detail else ""), flush=True)

    try:
        client.request("GET", client.api("/status"))
    except (OSError, http.client.HTTPException) as e:
        print(f"FAIL cannot reach {args.base_url}: {e!r}")
        return 2

    # 1. POST /sessions with the page's body -> 201 Session.
    def start():
        resp = client.request("POST", client.api("/sessions"), {"client_reference_id": "text"})
        note = ""
        if resp.status == 409 and isinstance(resp.json, dict):
            # Another run (e.g. the fuzzer) left a session active: discard it and start again.
            leftover = (resp.json.get("error") or {}).get("active_session_id")
            expect(leftover, f"409 without error.active_session_id: {resp!r}")
            closed = client.request("POST", client.api(f"/sessions/{leftover}/close"), {"status": "discard"})
            expect(closed.status == 202, f"could not discard leftover session {leftover}: {closed!r}")
            note = f"after discarding leftover active session {leftover}; "
            resp = client.request("POST", client.api("/sessions"), {"client_reference_id": "text"})
        expect_status(resp, 201)
        s = resp.json
        expect_session(s, SESSION_FIELDS, "Session")
        expect(s["state"] == "active", f"state is {s['state']!r}, not active")
        expect(s["integration_id"] == args.integration, f"integration_id is {s['integration_id']!r}")
        expect(s["accepted_records_total"] == 0 and s["accepted_records_by_entity"] == {}, "a new session has accepted records")
        expect(s["last_error"] is None, f"last_error of a new session is {s['last_error']!r}, not null")
        expect(s["inactivity_timeout_seconds"] > 0, "inactivity_timeout_seconds is not positive")
        expect(s["expires_at"] > s["created_at"], "expires_at is not after created_at")
        state["sid"] = s["id"]
        return f"{note}{s['id']}"

    check("POST /sessions {client_reference_id: text} -> 201 Session with every field of the example", start)
    if "sid" not in state:
        print(f"seed requests: {passed} passed, {failed} failed (cannot go on without a session)")
        return 1
    sid = state["sid"]
    session_url = client.api(f"/sessions/{urllib.parse.quote(sid, safe='')}")

    # 2. GET /sessions/{id} -> 200 SessionStatus.
    def get():
        resp = client.request("GET", session_url)
        expect_status(resp, 200)
        s = resp.json
        expect_session(s, STATUS_FIELDS, "SessionStatus")
        expect(s["id"] == sid and s["state"] == "active", f"got {s['id']} in state {s['state']}")
        expect(s["accepted_batches"] == 0 and s["retry_count"] == 0, "a new session has batches or retries")

    check("GET /sessions/{id} -> 200 SessionStatus with every field of the example", get)

    # 3. One page of one valid User -> 202 BatchIngestResponse.
    def push():
        resp = client.request("POST", session_url + "/entities", {"entities": {"User": [VALID_USER]}, "page_hint": 1})
        expect_status(resp, 202)
        b = resp.json
        expect_fields(b, BATCH_FIELDS, "BatchIngestResponse")
        expect(b["session_id"] == sid, f"session_id is {b['session_id']!r}")
        expect(b["accepted_count_total"] == 1 and b["accepted_count_by_entity"] == {"User": 1}, f"counts are {b}")
        expect(b["rejected_count_total"] == 0 and b["validation_errors"] == [], f"rejections in {b}")
        expect(b["echoes"] == {"page_hint": 1}, f"echoes is {b['echoes']}, not the page_hint sent")

    check("POST /sessions/{id}/entities one valid User -> 202 BatchIngestResponse", push)

    # 4. Error paths, while the session is active.
    def second_start():
        resp = client.request("POST", client.api("/sessions"), {"client_reference_id": "second"})
        error = expect_error(resp, 409, "session_already_active")
        expect(error.get("active_session_id") == sid, f"error.active_session_id is {error.get('active_session_id')!r}, not {sid}")

    check("second POST /sessions while one is active -> 409 naming it in error.active_session_id", second_start)

    def invalid_user():
        bad = dict(VALID_USER, employeeId="SEED-0002", workEmail="not-an-email", employmentType="INTERN")
        del bad["lastName"]
        resp = client.request("POST", session_url + "/entities", {"entities": {"User": [VALID_USER, bad]}})
        expect_error(resp, 400, "validation_failed")
        b = resp.json
        expect_fields(b, BATCH_FIELDS, "400 body")
        errors = b["validation_errors"]
        for e in errors:
            expect_fields(e, {"entity_type": str, "index": int, "field": str, "issue": str}, "ValidationError")
        found = {(e["entity_type"], e["index"], e["field"]) for e in errors}
        wanted = {("User", 1, "lastName"), ("User", 1, "workEmail"), ("User", 1, "employmentType")}
        expect(wanted <= found, f"validation_errors {sorted(found)} do not list {sorted(wanted - found)}")
        expect(all(e["index"] == 1 for e in errors), f"the valid record at index 0 was blamed: {errors}")
        expect(b["accepted_count_total"] == 0 and b["rejected_count_total"] == 2, f"counts are {b}")
        after = client.request("GET", session_url)
        expect(after.status == 200 and after.json["accepted_records_total"] == 1, f"the rejected page was staged: {after!r}")
        return f"{len(errors)} problems listed"

    check("page with an invalid User -> 400 validation_failed listing validation_errors, nothing staged", invalid_user)

    def wrong_key():
        expect_error(client.request("GET", session_url, api_key="wrong-" + args.api_key), 401, "invalid_api_key")
        expect_error(client.request("GET", session_url, api_key=None), 401, "missing_api_key")

    check("wrong api-key -> 401 invalid_api_key; none -> 401 missing_api_key", wrong_key)

    def unknown_session():
        expect_error(client.request("GET", client.api("/sessions/ses_does_not_exist")), 404, "session_not_found")

    check("GET unknown session -> 404 session_not_found", unknown_session)

    def unknown_version():
        url = client.api("/status").replace("/v1/", "/v2/", 1)
        expect_error(client.request("GET", url), 404, "not_found")

    check("GET /v2/... -> 404 not_found", unknown_version)

    def wrong_method():
        resp = client.request("DELETE", session_url)
        expect_error(resp, 405, "method_not_allowed")
        expect(resp.headers.get("allow") == "GET", f"Allow is {resp.headers.get('allow')!r}, not GET")
        resp = client.request("GET", session_url + "/close")
        expect_error(resp, 405, "method_not_allowed")
        expect(resp.headers.get("allow") == "POST", f"Allow is {resp.headers.get('allow')!r}, not POST")

    check("DELETE /sessions/{id}, GET .../close -> 405 with Allow", wrong_method)

    def not_json():
        resp = client.request("POST", session_url + "/entities", raw=b"this is not JSON")
        expect_error(resp, 400, "invalid_json")
        resp = client.request("POST", session_url + "/entities", {"records": []})
        expect_error(resp, 400, "invalid_envelope")

    check("non-JSON page -> 400 invalid_json; no entities -> 400 invalid_envelope", not_json)

    def wrong_media_type():
        resp = client.request("POST", session_url + "/entities", raw=b"<User/>", content_type="application/xml")
        expect_error(resp, 415, "unsupported_media_type")

    check("page as application/xml -> 415 unsupported_media_type", wrong_media_type)

    def bad_parameters():
        for query in ("page_size=0", "page_size=201", "page_size=ten", "page=0", "since=yesterday"):
            expect_error(client.request("GET", client.api("/activity?" + query)), 400, "invalid_parameter")

    check("GET /activity with page_size=0|201|ten, page=0, since=yesterday -> 400 invalid_parameter", bad_parameters)

    def oversize_body(factor=1):
        padding = "x" * (args.max_body_bytes * factor + 1)
        return json.dumps({"entities": {"Blob": [{"id": "big", "data": padding}]}}).encode()

    def post_keep_alive(url, raw, extra_headers, timeout):
        # http.client writes the whole body before reading the answer, like most simple clients.
        parts = urllib.parse.urlsplit(url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        try:
            headers = {"api-key": args.api_key, "content-type": "application/json", **extra_headers}
            conn.request("POST", parts.path, body=raw, headers=headers)
            r = conn.getresponse()
            return Response(r.status, r.getheaders(), r.read())
        finally:
            conn.close()

    def too_large():
        raw = oversize_body()
        resp = post_keep_alive(session_url + "/entities", raw, {}, client.timeout)
        expect_error(resp, 413, "payload_too_large")
        after = client.request("GET", session_url)
        expect(after.status == 200 and after.json["accepted_batches"] == 1, f"the oversize page changed the session: {after!r}")
        return f"{len(raw)} bytes"

    check(f"page over {args.max_body_bytes} bytes -> 413 payload_too_large", too_large)

    def too_large_connection_close():
        # urllib.request always sends "Connection: close". The server must still let
        # such a client finish (or fail fast) and read the 413, not stall it.
        started = time.monotonic()
        try:
            # Three times the limit, so that socket buffers cannot swallow the whole upload.
            resp = post_keep_alive(session_url + "/entities", oversize_body(3), {"Connection": "close"}, 5.0)
        except (OSError, http.client.HTTPException) as e:
            raise Failed(f"no 413 after {time.monotonic() - started:.1f}s: {e!r} "
                         "(the server half-closes after its 413 and stops reading, so the client's upload stalls)")
        expect_error(resp, 413, "payload_too_large")
        return f"{time.monotonic() - started:.2f}s"

    check(f"page over {args.max_body_bytes} bytes with Connection: close -> 413 within 5s", too_large_connection_close)

    # 5. Close with {"status": "apply"} -> 202 SessionStatus (processing).
    def close():
        resp = client.request("POST", session_url + "/close", {"status": "apply"})
        expect_status(resp, 202)
        s = resp.json
        expect_session(s, STATUS_FIELDS, "SessionStatus")
        expect(s["id"] == sid, f"closed {s['id']}, not {sid}")
        expect(s["state"] in ("processing", "processed"), f"state after close apply is {s['state']!r}")
        expect(s["accepted_records_total"] == 1 and s["accepted_batches"] == 1, f"counts are {s}")
        return s["state"]

    check("POST /sessions/{id}/close {status: apply} -> 202 SessionStatus", close)

    # 6. Poll until processed.
    def processed():
        started = time.monotonic()
        seen = []
        while True:
            resp = client.request("GET", session_url)
            expect_status(resp, 200)
            s = resp.json
            expect_session(s, STATUS_FIELDS, "SessionStatus")
            if not seen or seen[-1] != s["state"]:
                seen.append(s["state"])
            if s["state"] == "processed":
                break
            expect(s["state"] == "processing", f"state went {' -> '.join(seen)}")
            expect(time.monotonic() - started < args.wait, f"still {s['state']} after {args.wait}s")
            time.sleep(0.1)
        expect(s["retry_count"] == 0 and s["last_error"] is None, f"retry_count {s['retry_count']}, last_error {s['last_error']!r}")
        expect(s["accepted_records_total"] == 1 and s["accepted_records_by_entity"] == {"User": 1}, f"counts are {s}")
        return f"{' -> '.join(seen)} in {time.monotonic() - started:.2f}s"

    check(f"GET /sessions/{{id}} until processed (at most {args.wait:g}s)", processed)

    def after_processing():
        resp = client.request("POST", session_url + "/entities", {"entities": {"User": [VALID_USER]}})
        error = expect_error(resp, 409, "session_not_active")
        expect(error.get("state") == "processed", f"error.state is {error.get('state')!r}")
        error = expect_error(client.request("POST", session_url + "/close", {"status": "apply"}), 409, "session_not_closable")
        expect(error.get("state") == "processed", f"error.state is {error.get('state')!r}")

    check("page or close on a processed session -> 409 with error.state", after_processing)

    def records():
        url = f"{client.root}/_sandbox/integrations/{urllib.parse.quote(args.integration, safe='')}/records/User"
        resp = client.request("GET", url)
        expect_status(resp, 200)
        body = resp.json
        expect_fields(body, {"integration_id": str, "entity_type": str, "count": int, "records": list}, "records")
        expect(body["count"] == len(body["records"]), "count is not the number of records")
        mine = [r for r in body["records"] if isinstance(r, dict) and r.get("employeeId") == VALID_USER["employeeId"]]
        expect(mine == [VALID_USER], f"the applied User is not held as sent: {mine}")
        expect_error(client.request("GET", url, api_key=None), 401, "missing_api_key")

    check("GET /_sandbox/.../records/User holds the applied User (401 without a key)", records)

    def activity():
        resp = client.request("GET", client.api("/activity?page_size=200"))
        expect_status(resp, 200)
        page = resp.json
        expect_fields(page, {"items": list, "page": int, "page_size": int, "next_page": (int, type(None))}, "ActivityLogPage")
        expect(page["page"] == 1 and page["page_size"] == 200, f"page {page['page']}, page_size {page['page_size']}")
        mine = [e for e in page["items"] if e.get("session_id") == sid]
        for e in mine:
            expect_fields(e, {"id": str, "at": str, "level": str, "type": str, "message": str, "details": dict}, "ActivityEvent")
            expect(e["level"] in ("info", "warning", "error"), f"level {e['level']!r}")
        types = [e["type"] for e in reversed(mine)]
        wanted = ["session_created", "batch_accepted", "batch_rejected", "session_closed", "processing_started", "session_processed"]
        expect(all(t in types for t in wanted), f"events for the session are {types}")
        ats = [e["at"] for e in page["items"]]
        expect(ats == sorted(ats, reverse=True), "events are not newest first")
        newest = page["items"][0]["at"]
        since = client.request("GET", client.api("/activity?since=" + urllib.parse.quote(newest)))
        expect_status(since, 200)
        expect(since.json["items"] and all(e["at"] >= newest for e in since.json["items"]), f"since={newest} gave {since!r}")
        return ", ".join(types)

    check("GET /activity lists the session's events, newest first; since filters", activity)

    def status():
        resp = client.request("GET", client.api("/status"))
        expect_status(resp, 200)
        body = resp.json
        expect_fields(body, {"integration_id": str, "sessions": dict, "last_activity_at": str}, "IntegrationStatusCounts")
        counts = body["sessions"]
        expect_fields(counts, {k: int for k in ("active", "processing", "processed", "failed", "expired")}, "sessions")
        expect(counts["processed"] >= 1 and counts["active"] == 0, f"counts are {counts}")

    check("GET /status -> 200 counts (processed >= 1, active 0)", status)

    print(f"seed requests: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
