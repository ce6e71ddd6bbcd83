#!/usr/bin/env python3
"""A stand-in for sdd-lsp, for testing the editor plugins' client wiring before the real
server exists: stdio JSON-RPC; publishes one SDD101 diagnostic for every line that holds
`FAKE-ERROR`; answers textDocument/definition for a name by finding `KEYWORD NAME` at the
start of a line in the open documents or the .sdd files under the root. Not a language server
for real use."""
import json
import os
import re
import sys
from urllib.parse import unquote, urlparse
from urllib.request import pathname2url

docs = {}
root = None


def send(message):
    body = json.dumps(message).encode()
    sys.stdout.buffer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    sys.stdout.buffer.flush()


def read():
    length = None
    while True:
        line = sys.stdin.buffer.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(sys.stdin.buffer.read(length))


def path_of(uri):
    return unquote(urlparse(uri).path)


def uri_of(path):
    return "file://" + pathname2url(path)


def publish(uri):
    diagnostics = []
    for i, line in enumerate(docs[uri].splitlines()):
        col = line.find("FAKE-ERROR")
        if col >= 0:
            diagnostics.append({
                "range": {"start": {"line": i, "character": col}, "end": {"line": i, "character": col + 10}},
                "severity": 1, "code": "SDD101", "source": "sdd", "message": "unknown name `FAKE-ERROR`",
            })
    send({"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics",
          "params": {"uri": uri, "diagnostics": diagnostics}})


def definition(uri, position):
    line = docs[uri].splitlines()[position["line"]]
    col = position["character"]
    for m in re.finditer(r"[A-Za-z_][A-Za-z0-9_-]*", line):
        if m.start() <= col < m.end():
            name = m.group(0)
            break
    else:
        return None
    texts = dict((path_of(u), t) for u, t in docs.items())
    for dirpath, _, files in os.walk(root or os.path.dirname(path_of(uri))):
        for f in files:
            p = os.path.join(dirpath, f)
            if f.endswith(".sdd") and p not in texts:
                with open(p, encoding="utf-8") as fh:
                    texts[p] = fh.read()
    pattern = re.compile(r"^\s*(person|role|enum|record|profile|asset|engagement)\s+(%s)(?![\w-])" % re.escape(name))
    for p, text in sorted(texts.items()):
        for i, l in enumerate(text.splitlines()):
            m = pattern.match(l)
            if m:
                return {"uri": uri_of(p), "range": {"start": {"line": i, "character": m.start(2)},
                                                    "end": {"line": i, "character": m.end(2)}}}
    return None


while True:
    msg = read()
    if msg is None:
        break
    method = msg.get("method")
    if method == "initialize":
        params = msg["params"]
        if params.get("rootUri"):
            root = path_of(params["rootUri"])
        send({"jsonrpc": "2.0", "id": msg["id"], "result": {"capabilities": {
            "textDocumentSync": 1, "definitionProvider": True}, "serverInfo": {"name": "fake-sdd-lsp"}}})
    elif method == "textDocument/didOpen":
        doc = msg["params"]["textDocument"]
        docs[doc["uri"]] = doc["text"]
        publish(doc["uri"])
    elif method == "textDocument/didChange":
        uri = msg["params"]["textDocument"]["uri"]
        docs[uri] = msg["params"]["contentChanges"][-1]["text"]
        publish(uri)
    elif method == "textDocument/definition":
        p = msg["params"]
        send({"jsonrpc": "2.0", "id": msg["id"], "result": definition(p["textDocument"]["uri"], p["position"])})
    elif method == "shutdown":
        send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
    elif method == "exit":
        break
    elif "id" in msg:
        send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
