//! The binary over real standard input and output: a message it cannot decode, or a legal
//! `Content-Type` header, does not end the server. Such a message is answered as JSON-RPC 2.0
//! asks: a "parse error" for a body that is not JSON, an "invalid request" error for the rest,
//! under the request's id when it can be read and under `null` when not; a broken response
//! (no `method`) is dropped with a line on standard error. The requests after it are
//! answered, and `shutdown` then `exit` end the process with status 0.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

use serde_json::Value;

fn frame(headers: &str, body: &str) -> Vec<u8> {
    format!("{headers}Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// Read one message from the server.
fn next_message(reader: &mut impl BufRead) -> serde_json::Value {
    let mut length = None;
    loop {
        let mut line = String::new();
        assert!(reader.read_line(&mut line).unwrap() > 0, "the server ended");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length.expect("a Content-Length")];
    reader.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).unwrap()
}

#[test]
fn bad_messages_are_answered_and_the_server_keeps_serving() {
    let mut server = Command::new(env!("CARGO_BIN_EXE_sdd-lsp"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sdd-lsp starts");
    let mut stdin = server.stdin.take().unwrap();
    let mut stdout = BufReader::new(server.stdout.take().unwrap());
    stdin
        .write_all(&frame(
            "Content-Type: application/vscode-jsonrpc\r\n",
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#,
        ))
        .unwrap();
    let initialized = next_message(&mut stdout);
    assert!(
        initialized["result"]["capabilities"].is_object(),
        "{initialized}"
    );
    stdin
        .write_all(&frame(
            "",
            r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
        ))
        .unwrap();
    // Each bad message in turn, and its answer under a null id: a parse error for a body
    // that is not JSON, an invalid request for JSON that is no request.
    for (bad, code, what) in [
        (r#"{"jsonrpc":"2.0","method":"#, -32700, "parse error: EOF"),
        ("[1,2]", -32600, "invalid request: "),
        ("not json", -32700, "parse error: "),
    ] {
        stdin.write_all(&frame("", bad)).unwrap();
        let answer = loop {
            let message = next_message(&mut stdout);
            if message.get("method").is_none() && message.get("id") == Some(&Value::Null) {
                break message;
            }
        };
        assert_eq!(answer["error"]["code"], code, "{bad}: {answer}");
        let message = answer["error"]["message"].as_str().unwrap_or("");
        assert!(message.starts_with(what), "{bad}: {answer}");
    }
    // A response the client got wrong is dropped; a request that cannot be decoded but whose
    // id can be read is answered under that id.
    let mut input = frame("", r#"{"id":2}"#);
    input.extend(frame("", r#"{"id":4,"method":"textDocument/hover"}"#));
    // A request of a `$/` method: "method not found" under its id, as the protocol asks (the
    // library alone left it unanswered).
    input.extend(frame("", r#"{"jsonrpc":"2.0","id":5,"method":"$/foo"}"#));
    input.extend(frame(
        "Content-Type: application/vscode-jsonrpc; charset=UTF-8\r\n",
        r#"{"jsonrpc":"2.0","id":3,"method":"shutdown"}"#,
    ));
    stdin.write_all(&input).unwrap();
    let (mut shutdown, mut invalid, mut dollar) = (None, None, None);
    while shutdown.is_none() || invalid.is_none() || dollar.is_none() {
        let message = next_message(&mut stdout);
        match message.get("method").is_none().then_some(&message["id"]) {
            Some(id) if *id == 3 => shutdown = Some(message),
            Some(id) if *id == 4 => invalid = Some(message),
            Some(id) if *id == 5 => dollar = Some(message),
            Some(id) => panic!("an answer under {id}: {message}"),
            None => {}
        }
    }
    let shutdown = shutdown.unwrap();
    assert!(shutdown.get("error").is_none(), "{shutdown}");
    let invalid = invalid.unwrap();
    assert_eq!(invalid["error"]["code"], -32600, "{invalid}");
    let dollar = dollar.unwrap();
    assert_eq!(dollar["error"]["code"], -32601, "{dollar}");
    assert_eq!(dollar["error"]["message"], "method not found: $/foo");
    // The client keeps its end open after `exit`, as some do: the server must end anyway.
    stdin
        .write_all(&frame("", r#"{"jsonrpc":"2.0","method":"exit"}"#))
        .unwrap();
    let status = server.wait().expect("the server ends");
    drop(stdin);
    let mut stderr = String::new();
    server
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert_eq!(stderr.matches("answered a request").count(), 4, "{stderr}");
    assert_eq!(stderr.matches("dropped a response").count(), 1, "{stderr}");
}
