"""The service's own ceiling without wrk: the same pages, pre-encoded before
timing starts, sent over CONNECTIONS keep-alive connections (default 1, one
page at a time on each) with http.client, one thread per connection. The
client's own work (and, with several connections, the GIL) still counts, so
this is a lower bound on what the sandbox can take."""
import http.client, json, sys, threading, time, urllib.parse


def send_pages(url, prefix, sid, headers, bodies, failures):
    conn = http.client.HTTPConnection(url.hostname, url.port)
    for body in bodies:
        conn.request("POST", f"{prefix}/sessions/{sid}/entities", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status != 202:
            failures.append(response.status)
            return
    conn.close()


def main(base, integration, key, path, connections="1"):
    connections = max(1, int(connections))
    url = urllib.parse.urlparse(base)
    prefix = f"{url.path}/v1/integrations/{integration}"
    headers = {"api-key": key, "content-type": "application/json"}
    records = [line.strip() for line in open(path, encoding="utf-8") if line.strip()]
    bodies = []
    for i in range(0, len(records), 100):
        bodies.append(('{"entities":{"User":[' + ",".join(records[i:i + 100]) + ']},"page_hint":%d}' % (i // 100 + 1)).encode())
    conn = http.client.HTTPConnection(url.hostname, url.port)
    conn.request("POST", f"{prefix}/sessions", body=b"{}", headers=headers)
    sid = json.loads(conn.getresponse().read())["id"]
    failures = []
    # Page i goes on connection i mod CONNECTIONS: each connection keeps one page in flight.
    threads = [threading.Thread(target=send_pages, args=(url, prefix, sid, headers, bodies[k::connections], failures))
               for k in range(connections)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if failures:
        raise SystemExit(f"page refused: {failures[0]}")
    conn.close()  # idle all along: a fresh connection for the close
    conn = http.client.HTTPConnection(url.hostname, url.port)
    conn.request("POST", f"{prefix}/sessions/{sid}/close", body=b'{"status":"discard"}', headers=headers)
    conn.getresponse().read()
    print(f"{len(records)} {elapsed:.4f}")


if __name__ == "__main__":
    main(*sys.argv[1:6])
