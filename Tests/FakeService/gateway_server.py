#!/usr/bin/env python3
"""A fault-injecting gateway in front of a backend of the push API, written
from the documentation (docs/reference push-api.md, "What the client must
expect of the real service") and independent of pushsh's sandbox and of
fake_service.py. Standard library only.

The backend is the documented service: one active session per integration
(409 names the active one as error.active_session_id), sessions that echo
their client_reference_id, atomic pages, close apply -> processing ->
processed. The gateway in front of it misbehaves as load balancers, CDNs and
rate limiters do. Each base URL picks a mode:
    http://127.0.0.1:PORT/<mode>/api/external/push

  plain       no faults
  late504     the second page is answered "504 Gateway Time-out" (HTML) after
              0.4 s while the backend is still working: the backend stages it
              0.6 s after that answer
  lost504     the second page is answered 504 (HTML) and never reaches the backend
  lb503       every request in the first 3 s (from the first request) gets an
              HTML 503 without Retry-After
  lb503s      the same with Retry-After: 1
  lb503d      the same with Retry-After as an HTTP date 1 s ahead
  bucket      a token bucket of 1 request/s (burst 1): 429 without Retry-After
  window429   every request in a 6 s window from the first page gets 429
              without Retry-After
  twostarts   the second POST /sessions (of the whole server) gets an HTML 503
              and never reaches the backend
  html200     the second page is answered "200 text/html" (a maintenance page)
              and never reaches the backend
  edge413     bodies over 64 KB get an HTML 413 from the edge
  procfail    processing fails (twice): the session ends "failed"
  closefail   the first two closes get an HTML 503 (not forwarded)
  closedown   every close gets an HTML 503 (not forwarded)
  expire      a session expires (no request for its inactivity timeout, as
              if the push had stalled) once it holds two pages: later pages
              get 409 with error.state "expired"
  idle408     a keep-alive connection idle for more than 1 s is answered
              "408 Request Timeout" (HTML) on its next request, not
              forwarded, and closed
  outage3     the first page's connection is dropped unanswered (not
              forwarded), and the listener goes away for 3 s: connections
              are refused until it comes back on the same port
  outage10    the same for 10 s

Control routes (no key): GET /_gateway/counts answers
  {"staged": {"<employeeId>": n, ...},   # over every session that is not cancelled
   "applied": {"<employeeId>": n, ...},  # records applied by processing, per key
   "sessions": [{"id", "state", "accepted_batches", "accepted_records_total",
                 "client_reference_id"}, ...]}
The server prints "PORT n" once it listens.
"""
import argparse, email.utils, json, signal, threading, time, uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "/api/external/push"
KEY = "gw-key"
LOCK = threading.Lock()
SESSIONS = {}      # id -> session dict
ORDER = []         # session ids, oldest first
APPLIED = {}       # employeeId -> times applied
COUNTERS = {}      # (mode, what) -> count
FIRST_SEEN = {}    # mode -> time of its first request (or first page)
BUCKET = {"tokens": 1.0, "at": time.monotonic()}
OUTAGE = {"seconds": 0, "event": threading.Event()}


def iso(t=None):
    t = time.time() if t is None else t
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % int((t % 1) * 1000)


def count(mode, what):
    with LOCK:
        COUNTERS[(mode, what)] = COUNTERS.get((mode, what), 0) + 1
        return COUNTERS[(mode, what)]


def session_json(s):
    return {
        "id": s["id"], "integration_id": s["integration"], "state": s["state"],
        "created_at": s["created_at"], "updated_at": iso(), "expires_at": iso(time.time() + 3600),
        "inactivity_timeout_seconds": 3600, "client_reference_id": s["ref"],
        "accepted_records_total": sum(s["by_entity"].values()), "accepted_records_by_entity": dict(s["by_entity"]),
        "last_error": s["last_error"], "accepted_batches": len(s["pages"]), "retry_count": s["retry_count"],
    }


def stage(s, envelope):
    """Stages one page (atomic): every record, or nothing when one is not an object."""
    entities = envelope.get("entities")
    if not isinstance(entities, dict) or not all(isinstance(v, list) for v in entities.values()):
        return None
    by_entity = {}
    with LOCK:
        if s["state"] != "active":
            return "inactive"
        s["pages"].append(entities)
        for entity, records in entities.items():
            s["by_entity"][entity] = s["by_entity"].get(entity, 0) + len(records)
            by_entity[entity] = len(records)
    return by_entity


def process(s, fail):
    """Processing, a moment after close apply: applies every page in order, or fails twice."""
    time.sleep(0.3)
    with LOCK:
        if fail:
            s["retry_count"], s["last_error"], s["state"] = 1, "processing failed: the records could not be applied", "failed"
            return
        for page in s["pages"]:
            for record in page.get("User", []):
                key = str(record.get("employeeId"))
                APPLIED[key] = APPLIED.get(key, 0) + 1
        s["state"] = "processed"


HTML = "<html><head><title>{0}</title></head><body><center><h1>{0}</h1></center><hr><center>nginx</center></body></html>"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, obj=None, headers=None, html=None):
        body = html.encode() if html is not None else (b"" if obj is None else json.dumps(obj).encode())
        self.send_response(status)
        self.send_header("Content-Type", "text/html" if html is not None else "application/json")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def html(self, status, phrase, headers=None):
        self.answer(status, headers=headers, html=HTML.format("%d %s" % (status, phrase)))

    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def handle_any(self):
        length = int(self.headers.get("content-length") or 0)
        parts = self.path.split("?")[0].split("/")
        if self.path.startswith("/_gateway/counts"):
            return self.counts()
        mode = parts[1] if len(parts) > 1 else ""
        rest = "/" + "/".join(parts[2:])
        if length > 64 * 1024 and mode == "edge413":
            # The edge refuses before reading the body, then closes.
            self.rfile.read(length)
            self.close_connection = True
            return self.html(413, "Request Entity Too Large")
        body = self.rfile.read(length) if length else b""
        if not rest.startswith(PREFIX + "/v1/integrations/"):
            return self.answer(404, {"error": {"code": "not_found", "message": "no such route"}})
        tail = rest[len(PREFIX + "/v1/integrations/"):].split("/")
        integration, what = tail[0], tail[1:]
        is_page = len(what) == 3 and what[0] == "sessions" and what[2] == "entities" and self.command == "POST"
        is_start = what == ["sessions"] and self.command == "POST"
        is_close = len(what) == 3 and what[0] == "sessions" and what[2] == "close" and self.command == "POST"
        now = time.monotonic()
        with LOCK:
            FIRST_SEEN.setdefault(mode, now)
            if is_page:
                FIRST_SEEN.setdefault((mode, "page"), now)
        # The gateway.
        if mode == "idle408":
            idle = now - getattr(self, "last_at", now)
            self.last_at = now
            if idle > 1.0:
                self.close_connection = True
                return self.html(408, "Request Timeout", {"Connection": "close"})
        if mode in ("lb503", "lb503s", "lb503d") and now - FIRST_SEEN[mode] < 3:
            headers = {"lb503s": {"Retry-After": "1"},
                       "lb503d": {"Retry-After": email.utils.formatdate(time.time() + 1, usegmt=True)}}.get(mode, {})
            return self.html(503, "Service Temporarily Unavailable", headers)
        if mode == "bucket":
            with LOCK:
                BUCKET["tokens"] = min(1.0, BUCKET["tokens"] + (now - BUCKET["at"]))
                BUCKET["at"] = now
                allowed = BUCKET["tokens"] >= 1.0
                if allowed:
                    BUCKET["tokens"] -= 1.0
            if not allowed:
                return self.answer(429, {"error": {"code": "rate_limited", "message": "Too Many Requests"}})
        if mode == "window429" and (mode, "page") in FIRST_SEEN and now - FIRST_SEEN[(mode, "page")] < 6:
            return self.answer(429, {"error": {"code": "rate_limited", "message": "Too Many Requests"}})
        if mode == "twostarts" and is_start and count(mode, "start") == 2:
            return self.html(503, "Service Temporarily Unavailable")
        if mode == "closefail" and is_close and count(mode, "close") <= 2:
            return self.html(503, "Service Temporarily Unavailable")
        if mode == "closedown" and is_close:
            return self.html(503, "Service Temporarily Unavailable")
        if mode in ("outage3", "outage10") and is_page and count(mode, "page") == 1:
            # Drop this connection unanswered, and take the listener away.
            self.close_connection = True
            OUTAGE["seconds"] = 3 if mode == "outage3" else 10
            OUTAGE["event"].set()
            return
        if is_page and mode in ("late504", "lost504", "html200"):
            n = count(mode, "page")
            if n == 2 and mode == "late504":
                time.sleep(0.4)
                sid = what[1]
                envelope = json.loads(body or b"{}")

                def late():
                    time.sleep(0.6)
                    with LOCK:
                        s = SESSIONS.get(sid)
                    if s is not None:
                        stage(s, envelope)
                threading.Thread(target=late, daemon=True).start()
                return self.html(504, "Gateway Time-out")
            if n == 2 and mode == "lost504":
                return self.html(504, "Gateway Time-out")
            if n == 2 and mode == "html200":
                return self.answer(200, html="<html><body><h1>We'll be back soon</h1><p>Down for maintenance.</p></body></html>")
        # The backend.
        if self.headers.get("api-key") != KEY:
            return self.answer(401, {"error": {"code": "unauthorized", "message": "invalid API key"}})
        if is_start:
            return self.start(integration, body)
        if len(what) >= 2 and what[0] == "sessions":
            with LOCK:
                s = SESSIONS.get(what[1])
            if s is None or s["integration"] != integration:
                return self.answer(404, {"error": {"code": "not_found", "message": "session not found"}})
            if len(what) == 2 and self.command == "GET":
                return self.answer(200, session_json(s))
            if is_page:
                try:
                    envelope = json.loads(body)
                except ValueError:
                    return self.answer(400, {"error": {"code": "invalid_body", "message": "not JSON"}})
                by_entity = stage(s, envelope)
                if by_entity is None:
                    return self.answer(400, {"error": {"code": "invalid_body", "message": "entities must be an object of arrays"}})
                if by_entity == "inactive":
                    return self.answer(409, {"error": {"code": "session_not_active", "message": "the session is " + s["state"],
                                                       "state": s["state"]}})
                if mode == "expire" and len(s["pages"]) >= 2:
                    with LOCK:
                        s["state"] = "expired"
                total = sum(by_entity.values())
                return self.answer(202, {"session_id": s["id"], "accepted_count_total": total, "accepted_count_by_entity": by_entity,
                                         "rejected_count_total": 0, "validation_errors": [],
                                         "echoes": {"page_hint": envelope.get("page_hint")}})
            if is_close:
                action = json.loads(body or b"{}").get("status", "apply")
                with LOCK:
                    if s["state"] not in ("active", "expired"):
                        closable = False
                    else:
                        closable = True
                        s["state"] = "processing" if action == "apply" else "cancelled"
                if not closable:
                    return self.answer(409, {"error": {"code": "not_closable", "message": "the session is " + s["state"]}})
                if action == "apply":
                    threading.Thread(target=process, args=(s, mode == "procfail"), daemon=True).start()
                return self.answer(202, session_json(s))
        if what == ["status"] and self.command == "GET":
            with LOCK:
                states = [s["state"] for s in SESSIONS.values() if s["integration"] == integration]
            counts = {k: states.count(k) for k in ("active", "processing", "processed", "failed", "expired")}
            return self.answer(200, {"integration_id": integration, "sessions": counts, "last_activity_at": iso()})
        if what == ["activity"] and self.command == "GET":
            return self.answer(200, {"items": [], "page": 1, "page_size": 50, "next_page": None})
        return self.answer(404, {"error": {"code": "not_found", "message": "no such route"}})

    def start(self, integration, body):
        try:
            ref = json.loads(body or b"{}").get("client_reference_id")
        except ValueError:
            return self.answer(400, {"error": {"code": "invalid_body", "message": "not JSON"}})
        with LOCK:
            active = [i for i in ORDER if SESSIONS[i]["integration"] == integration and SESSIONS[i]["state"] == "active"]
            if active:
                conflict = active[0]
            else:
                conflict = None
                sid = "ses_" + uuid.uuid4().hex[:16]
                s = {"id": sid, "integration": integration, "state": "active", "created_at": iso(), "ref": ref,
                     "pages": [], "by_entity": {}, "last_error": None, "retry_count": 0}
                SESSIONS[sid] = s
                ORDER.append(sid)
        if conflict:
            return self.answer(409, {"error": {"code": "session_active", "message": "a session is already active",
                                               "active_session_id": conflict}})
        return self.answer(201, session_json(s))

    def counts(self):
        staged = {}
        with LOCK:
            for sid in ORDER:
                s = SESSIONS[sid]
                if s["state"] == "cancelled":
                    continue
                for page in s["pages"]:
                    for record in page.get("User", []):
                        key = str(record.get("employeeId"))
                        staged[key] = staged.get(key, 0) + 1
            sessions = [{"id": s["id"], "state": s["state"], "accepted_batches": len(s["pages"]),
                         "accepted_records_total": sum(s["by_entity"].values()), "client_reference_id": s["ref"]}
                        for s in (SESSIONS[i] for i in ORDER)]
            out = {"staged": staged, "applied": dict(APPLIED), "sessions": sessions}
        self.answer(200, out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    a = p.parse_args()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    ThreadingHTTPServer.allow_reuse_address = True
    server = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    print(f"PORT {port}", flush=True)
    while True:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        OUTAGE["event"].wait()
        OUTAGE["event"].clear()
        # The listener goes away: connections are refused until it is back.
        server.shutdown()
        server.server_close()
        time.sleep(OUTAGE["seconds"])
        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        server.daemon_threads = True


if __name__ == "__main__":
    main()
