//! The wire's framing, read before `tower-lsp-server` sees it. Its reader stops for good at
//! the first message it cannot decode, and it refuses a `Content-Type` header without a
//! lower-case `charset=utf-8` (the protocol makes the header optional and UTF-8 its default),
//! so one bad message ended the server. [`relay`] reads each frame itself, passes on every
//! message the server can decode, re-framed with its `Content-Length` alone, and passes on
//! every other request as a call of [`INVALID_REQUEST`], which the server answers with an
//! error as JSON-RPC 2.0 asks: "parse error" for a body that is not JSON, "invalid request"
//! for the rest, under the request's id when it can be read and under a `null` id when not
//! (no `"jsonrpc": "2.0"`, a `method` that is not a string, `params` that are neither an
//! object nor an array, no usable `id`). A JSON object without a `method` is a response the
//! client got wrong: answering it could settle one of the client's own requests, so it is
//! dropped with a line on standard error, as a frame too large or without a length is.
//! A request of a `$/` method, which the library leaves unanswered, is passed on the same way
//! to be answered "method not found".
//! (The library refuses a second pending request under an id already pending: of two such
//! messages in flight at once, the second may get its plain "Invalid request" under `null`.)

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{Request, Response};

/// The method a request the server cannot decode is passed on as: the server answers it with
/// an "invalid request" error under the request's id.
pub const INVALID_REQUEST: &str = "sdd/invalidRequest";

/// The longest header block read; a longer one is garbage, skipped.
const MAX_HEADER_BYTES: usize = 8 * 1024;
/// The largest message passed on: a whole file at the size limit, escaped as JSON.
const MAX_MESSAGE_BYTES: usize = 4 * sdd::syntax::MAX_FILE_BYTES;

/// Copy the messages of `input` that the server can decode to `output`, until `input` ends or
/// `output` is closed.
pub async fn relay<I, O>(input: I, mut output: O)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let mut input = BufReader::new(input);
    let mut body = Vec::new();
    loop {
        let length = match content_length(&mut input).await {
            Ok(Some(length)) => length,
            Ok(None) => continue,
            Err(_) => return,
        };
        if length > MAX_MESSAGE_BYTES {
            eprintln!(
                "sdd-lsp: dropped a message of {length} bytes (the limit is {MAX_MESSAGE_BYTES})"
            );
            let skipped = tokio::io::copy(
                &mut (&mut input).take(length as u64),
                &mut tokio::io::sink(),
            )
            .await;
            if skipped.map_or(true, |n| n < length as u64) {
                return;
            }
            continue;
        }
        body.resize(length, 0);
        if input.read_exact(&mut body).await.is_err() {
            return;
        }
        if let Some(call) = unknown_dollar_request(&body) {
            body = call;
        } else if let Some(why) = undecodable(&body) {
            match answerable(&body, &why) {
                Some(call) => {
                    eprintln!("sdd-lsp: answered a request the server cannot decode: {why}");
                    body = call;
                }
                None => {
                    eprintln!("sdd-lsp: dropped a response the server cannot decode: {why}");
                    continue;
                }
            }
        }
        let length = body.len();
        let header = format!("Content-Length: {length}\r\n\r\n");
        let sent = async {
            output.write_all(header.as_bytes()).await?;
            output.write_all(&body).await?;
            output.flush().await
        };
        if sent.await.is_err() {
            return;
        }
    }
}

/// Read one header block: `Ok(Some(length))` for a block with a valid `Content-Length`,
/// `Ok(None)` for a block without one (skipped), `Err` at the end of the input.
async fn content_length<R: AsyncBufReadExt + Unpin>(
    input: &mut R,
) -> std::io::Result<Option<usize>> {
    let mut length = None;
    let (mut read, mut headers) = (0, 0);
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = (&mut *input)
            .take(MAX_HEADER_BYTES as u64)
            .read_until(b'\n', &mut line)
            .await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        read += n;
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            // Blank lines before the first header are skipped.
            if headers > 0 {
                break;
            }
            continue;
        }
        headers += 1;
        if let Some((name, value)) = text.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<usize>().ok();
            }
        }
        if read > MAX_HEADER_BYTES {
            eprintln!("sdd-lsp: skipped a header block longer than {MAX_HEADER_BYTES} bytes");
            return Ok(None);
        }
    }
    if length.is_none() {
        eprintln!("sdd-lsp: skipped a header block without a valid Content-Length");
    }
    Ok(length)
}

/// A request (it has an id) of a method that starts with `$/`, as a call of
/// [`INVALID_REQUEST`] under its id that the server answers with "method not found", as the
/// protocol asks ("if a server or client receives a request starting with '$/' it must error
/// the request with error code MethodNotFound"): the library sends no answer to any `$/`
/// method it does not know, which is right for a notification and leaves a request waiting
/// for ever. Every `$/` method the protocol defines is a notification, so this is never one
/// the server knows.
fn unknown_dollar_request(body: &[u8]) -> Option<Vec<u8>> {
    // Most messages are no such request: look for the prefix before decoding.
    body.windows(3).position(|w| w == b"\"$/")?;
    let request = serde_json::from_slice::<Request>(body).ok()?;
    let id = request.id()?;
    if !request.method().starts_with("$/") {
        return None;
    }
    serde_json::to_vec(&serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "method": INVALID_REQUEST,
        "params": { "reason": request.method(), "method_not_found": true },
    }))
    .ok()
}

/// Why the server could not decode this body, if it could not: not JSON-RPC 2.0 as a request,
/// a notification or a response.
fn undecodable(body: &[u8]) -> Option<String> {
    let request = match serde_json::from_slice::<Request>(body) {
        Ok(_) => return None,
        Err(e) => e,
    };
    match serde_json::from_slice::<Response>(body) {
        Ok(_) => None,
        Err(_) => Some(request.to_string()),
    }
}

/// A message the server cannot decode, as a call of [`INVALID_REQUEST`] under its id (a
/// number or a string), or under `null` when it has none that can be read; `None` for a JSON
/// object without a `method`, a response the client got wrong, which is not answered.
fn answerable(body: &[u8], why: &str) -> Option<Vec<u8>> {
    let (id, parse_error) = match serde_json::from_slice::<serde_json::Value>(body) {
        Err(_) => (serde_json::Value::Null, true),
        Ok(serde_json::Value::Object(message)) => {
            message.get("method")?;
            let id = (message.get("id")).filter(|id| id.is_string() || id.is_u64() || id.is_i64());
            (id.cloned().unwrap_or_default(), false)
        }
        Ok(_) => (serde_json::Value::Null, false),
    };
    serde_json::to_vec(&serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "method": INVALID_REQUEST,
        "params": { "reason": why, "parse_error": parse_error },
    }))
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn relayed(input: &[u8]) -> String {
        let mut out = Vec::new();
        relay(input, &mut out).await;
        String::from_utf8(out).unwrap()
    }

    fn frame(headers: &str, body: &str) -> String {
        format!("{headers}Content-Length: {}\r\n\r\n{body}", body.len())
    }

    const EXIT: &str = r#"{"jsonrpc":"2.0","method":"exit"}"#;

    #[tokio::test]
    async fn every_message_the_server_can_decode_passes_and_the_rest_is_answered() {
        let response = r#"{"jsonrpc":"2.0","id":3,"result":null}"#;
        let input = [
            frame("Content-Type: application/vscode-jsonrpc\r\n", EXIT),
            frame(
                "content-type: application/vscode-jsonrpc; charset=UTF-8\r\n",
                response,
            ),
            frame("", r#"{"jsonrpc":"2.0","method":"initialized""#),
            frame("", r#"{"id":1,"method":"shutdown"}"#),
            frame("", r#"{"id":4,"result":{}}"#),
            "Garbage: yes\r\n\r\n".to_string(),
            frame("", EXIT),
        ]
        .concat();
        let out = relayed(input.as_bytes()).await;
        let calls: Vec<serde_json::Value> = (out.split("Content-Length: ").skip(1))
            .map(|framed| serde_json::from_str(&framed[framed.find('{').unwrap()..]).unwrap())
            .collect();
        assert_eq!(calls.len(), 5, "{out}");
        assert_eq!(calls[0]["method"], "exit");
        assert_eq!(calls[1]["result"], serde_json::Value::Null);
        // Cut-off JSON is a parse error under a null id; the request without `"jsonrpc"` is
        // answered under its own id; the broken response is dropped.
        assert_eq!(calls[2]["method"], INVALID_REQUEST);
        assert_eq!(calls[2]["id"], serde_json::Value::Null);
        assert_eq!(calls[2]["params"]["parse_error"], true);
        assert_eq!(calls[3]["method"], INVALID_REQUEST);
        assert_eq!(calls[3]["id"], 1);
        assert_eq!(calls[3]["params"]["parse_error"], false);
        assert_eq!(calls[4]["method"], "exit");
    }

    #[test]
    fn a_request_is_answered_under_its_id_or_null_and_a_response_is_not() {
        let call = |body: &str| -> Option<serde_json::Value> {
            let call = answerable(body.as_bytes(), "why")?;
            Some(serde_json::from_slice(&call).unwrap())
        };
        let answered = call(r#"{"id":"a","method":5}"#).expect("answered");
        assert_eq!(answered["id"], "a");
        assert_eq!(answered["method"], INVALID_REQUEST);
        assert_eq!(answered["params"]["reason"], "why");
        for (body, parse_error) in [
            (r#"{"method":"x"}"#, false),
            (r#"{"id":null,"method":"x"}"#, false),
            (r#"{"id":{},"method":"x"}"#, false),
            (r#"{"id":1.5,"method":"x"}"#, false),
            ("[1,2]", false),
            ("7", false),
            ("not json", true),
            ("\u{fffd}", true),
        ] {
            let answered = call(body).unwrap_or_else(|| panic!("{body} answered"));
            assert_eq!(answered["id"], serde_json::Value::Null, "{body}");
            assert_eq!(answered["params"]["parse_error"], parse_error, "{body}");
        }
        // A JSON object without a `method` is a response: answering it under its id could
        // settle one of the client's own requests.
        assert_eq!(call(r#"{"id":2}"#), None);
        assert_eq!(call(r#"{"jsonrpc":"2.0","id":2,"error":5}"#), None);
        let not_utf8: serde_json::Value =
            serde_json::from_slice(&answerable(&[0xff, 0xfe], "why").unwrap()).unwrap();
        assert_eq!(not_utf8["params"]["parse_error"], true);
    }

    /// A request of an unknown `$/` method is passed on to be answered "method not found"
    /// under its id; a `$/` notification, and a request that only mentions `$/`, pass as they
    /// are.
    #[test]
    fn a_dollar_request_is_answered_and_a_dollar_notification_passes() {
        let call = unknown_dollar_request(br#"{"jsonrpc":"2.0","id":7,"method":"$/foo"}"#)
            .expect("answered");
        let call: serde_json::Value = serde_json::from_slice(&call).unwrap();
        assert_eq!(call["id"], 7);
        assert_eq!(call["method"], INVALID_REQUEST);
        assert_eq!(call["params"]["reason"], "$/foo");
        assert_eq!(call["params"]["method_not_found"], true);
        for passes in [
            r#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":7}}"#,
            r#"{"jsonrpc":"2.0","method":"$/setTrace","params":{"value":"off"}}"#,
            r#"{"jsonrpc":"2.0","id":8,"method":"textDocument/hover","params":{"x":"$/"}}"#,
        ] {
            assert_eq!(unknown_dollar_request(passes.as_bytes()), None, "{passes}");
        }
    }

    #[tokio::test]
    async fn a_cut_off_message_ends_the_relay_without_passing_it_on() {
        let input = format!("{}Content-Length: 40\r\n\r\n{{\"jsonrpc\"", frame("", EXIT));
        assert_eq!(relayed(input.as_bytes()).await, frame("", EXIT));
    }

    #[tokio::test]
    async fn an_oversized_message_is_skipped_whole() {
        let huge = MAX_MESSAGE_BYTES + 1;
        let mut input = format!("Content-Length: {huge}\r\n\r\n").into_bytes();
        input.resize(input.len() + huge, b' ');
        input.extend_from_slice(frame("", EXIT).as_bytes());
        assert_eq!(relayed(&input).await, frame("", EXIT));
    }
}
