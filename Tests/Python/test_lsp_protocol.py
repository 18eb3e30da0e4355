"""`pushsh lsp` on malformed input: every bad message gets a JSON-RPC error,
the server keeps serving, and `exit` ends it with the code the protocol says.

These send raw bytes on purpose (a real client never sends them); the
well-formed conversation is tested with pygls's client in test_lsp.py.
"""
import json
import subprocess

from conftest import PUSHSH


class RawServer:
    def __init__(self):
        self.process = subprocess.Popen([PUSHSH, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def send_bytes(self, data: bytes):
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def send(self, message):
        body = (message if isinstance(message, (bytes, str)) and not isinstance(message, dict) else json.dumps(message))
        body = body.encode() if isinstance(body, str) else body
        self.send_bytes(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def read(self):
        headers = b""
        while not headers.endswith(b"\r\n\r\n"):
            byte = self.process.stdout.read(1)
            assert byte, "the server closed its output"
            headers += byte
        length = int(headers.split(b":")[1].split(b"\r\n")[0])
        return json.loads(self.process.stdout.read(length))

    def read_response(self):
        """The next message that is not a notification."""
        while True:
            message = self.read()
            if "method" not in message:
                return message

    def finish(self, timeout=10):
        self.process.stdin.close()
        return self.process.wait(timeout=timeout)


INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}


def test_every_malformed_message_gets_an_error_and_the_server_goes_on():
    server = RawServer()
    server.send({"jsonrpc": "2.0", "id": 0, "method": "textDocument/hover", "params": {}})
    assert server.read_response()["error"]["code"] == -32002  # not initialized
    server.send(INITIALIZE)
    assert "capabilities" in server.read_response()["result"]

    server.send_bytes(b"Content-Type: text/plain\r\n\r\n")  # no Content-Length
    reply = server.read_response()
    assert reply["id"] is None and reply["error"]["code"] == -32700
    server.send("{oops")
    assert server.read_response()["error"]["code"] == -32700
    server.send("[" * 100_000 + "]" * 100_000)
    assert server.read_response()["error"]["code"] == -32700
    server.send('"just a string"')
    assert server.read_response()["error"]["code"] == -32600
    server.send("[]")
    assert server.read_response()["error"]["code"] == -32600
    server.send({"jsonrpc": "2.0", "id": {"no": 1}, "method": "shutdown"})
    assert server.read_response()["error"]["code"] == -32600
    server.send({"jsonrpc": "2.0", "id": 2, "method": "no/such/method"})
    reply = server.read_response()
    assert reply["id"] == 2 and reply["error"]["code"] == -32601
    server.send({"jsonrpc": "2.0", "id": 3, "method": "textDocument/hover", "params": {"position": "here"}})
    assert server.read_response()["error"]["code"] == -32602
    server.send({"jsonrpc": "2.0", "id": "four", "method": "textDocument/completion",
                 "params": {"textDocument": {"uri": "file:///nowhere.push"}, "position": {"line": 0, "character": 0}}})
    reply = server.read_response()
    assert reply["id"] == "four" and reply["error"]["code"] == -32602
    # Notifications with nonsense are ignored, never answered, never fatal.
    server.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": 42}})
    server.send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": None})
    server.send_bytes(b"\xff\xfe garbage that is not a header at all " * 1000)
    server.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": "file:///tmp/x.push", "languageId": "push", "version": 1, "text": "let s = start\nwait s until \u0000\ud83d\ude00"}}})
    server.send({"jsonrpc": "2.0", "id": 5, "method": "textDocument/hover",
                 "params": {"textDocument": {"uri": "file:///tmp/x.push"}, "position": {"line": 1, "character": 1}}})
    reply = server.read_response()
    while reply.get("id") != 5:  # skipped-bytes errors come first
        assert reply["error"]["code"] == -32700
        reply = server.read_response()
    assert "wait" in reply["result"]["contents"]["value"]
    server.send({"jsonrpc": "2.0", "id": 6, "method": "textDocument/hover",
                 "params": {"textDocument": {"uri": "file:///tmp/x.push"}, "position": {"line": -5, "character": 10**12}}})
    assert "error" not in server.read_response()

    server.send({"jsonrpc": "2.0", "id": 7, "method": "shutdown"})
    assert server.read_response() == {"jsonrpc": "2.0", "id": 7, "result": None}
    server.send({"jsonrpc": "2.0", "id": 8, "method": "textDocument/hover", "params": {}})
    assert server.read_response()["error"]["code"] == -32600  # only exit after shutdown
    server.send({"jsonrpc": "2.0", "method": "exit"})
    assert server.process.wait(timeout=10) == 0


def test_exit_without_shutdown_is_code_1():
    server = RawServer()
    server.send(INITIALIZE)
    server.read_response()
    server.send({"jsonrpc": "2.0", "method": "exit"})
    assert server.process.wait(timeout=10) == 1


def test_end_of_input_without_shutdown_is_code_1_and_after_shutdown_0():
    server = RawServer()
    server.send(INITIALIZE)
    server.read_response()
    assert server.finish() == 1
    server = RawServer()
    server.send(INITIALIZE)
    server.read_response()
    server.send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    server.read_response()
    assert server.finish() == 0


def test_a_message_cut_short_by_the_end_of_input():
    server = RawServer()
    server.send(INITIALIZE)
    server.read_response()
    server.send_bytes(b"Content-Length: 500\r\n\r\n{\"jsonrpc\"")
    server.process.stdin.close()
    assert server.read()["error"]["code"] == -32700
    assert server.process.wait(timeout=10) == 1
