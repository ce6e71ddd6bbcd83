//! The binary over real standard input and output: a message it cannot decode, or a legal
//! `Content-Type` header, does not end the server. Such a message is dropped with a line on
//! standard error, or, when it is a request whose id can be read, answered with an "invalid
//! request" error; the requests after it are answered, and `shutdown` then `exit` end the
//! process with status 0.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

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
fn bad_messages_are_dropped_and_the_server_keeps_serving() {
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
    let mut input = frame(
        "",
        r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
    );
    for bad in [
        r#"{"jsonrpc":"2.0","method":"#,
        "[1,2]",
        "not json",
        r#"{"id":2}"#,
    ] {
        input.extend(frame("", bad));
    }
    // A request that cannot be decoded but whose id can be read is answered with an error.
    input.extend(frame("", r#"{"id":4,"method":"textDocument/hover"}"#));
    input.extend(frame(
        "Content-Type: application/vscode-jsonrpc; charset=UTF-8\r\n",
        r#"{"jsonrpc":"2.0","id":3,"method":"shutdown"}"#,
    ));
    stdin.write_all(&input).unwrap();
    let mut invalid = None;
    let shutdown = loop {
        let message = next_message(&mut stdout);
        if message["id"] == 4 {
            invalid = Some(message.clone());
        }
        if message["id"] == 3 {
            break message;
        }
    };
    assert!(shutdown.get("error").is_none(), "{shutdown}");
    let invalid = invalid.unwrap_or_else(|| next_message(&mut stdout));
    assert_eq!(invalid["id"], 4, "{invalid}");
    assert_eq!(invalid["error"]["code"], -32600, "{invalid}");
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
    assert_eq!(
        stderr
            .matches("dropped a message the server cannot decode")
            .count(),
        4,
        "{stderr}"
    );
}
