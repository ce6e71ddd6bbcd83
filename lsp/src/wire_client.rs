//! A minimal LSP client driving an in-process server over an in-memory pipe, in the real wire
//! format (`Content-Length` framing, JSON-RPC 2.0). The protocol tests and the latency
//! benchmark use it. Requests the server sends to the client (capability registration) are
//! answered with `null` and otherwise seen like notifications.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, WriteHalf};
use tokio::io::{DuplexStream, ReadHalf};
use tokio::sync::{mpsc, Mutex};
use tokio::task::JoinHandle;

type Writer = Arc<Mutex<WriteHalf<DuplexStream>>>;

pub struct WireClient {
    writer: Writer,
    incoming: mpsc::UnboundedReceiver<Value>,
    /// Notifications received while waiting for something else.
    buffered: VecDeque<Value>,
    next_id: i64,
    server: JoinHandle<()>,
}

/// Why a request got no answer.
#[derive(Debug)]
pub enum WireError {
    Timeout(String),
    Closed,
}

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WireError::Timeout(what) => write!(f, "no answer to {what} in time"),
            WireError::Closed => f.write_str("the server closed the connection"),
        }
    }
}

impl WireClient {
    /// Start a server on the current tokio runtime and connect to it.
    pub fn start() -> WireClient {
        let (client_end, server_end) = tokio::io::duplex(1 << 22);
        let (server_read, server_write) = tokio::io::split(server_end);
        let server = tokio::spawn(crate::serve(server_read, server_write));
        let (client_read, client_write) = tokio::io::split(client_end);
        let writer: Writer = Arc::new(Mutex::new(client_write));
        let (tx, incoming) = mpsc::unbounded_channel();
        tokio::spawn(read_messages(client_read, writer.clone(), tx));
        WireClient {
            writer,
            incoming,
            buffered: VecDeque::new(),
            next_id: 1,
            server,
        }
    }

    /// Send a request and wait for its response message (`result` or `error`).
    pub async fn request(
        &mut self,
        method: &str,
        params: Value,
        timeout: Duration,
    ) -> Result<Value, WireError> {
        let id = self.next_id;
        self.next_id += 1;
        send(
            &self.writer,
            &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}),
        )
        .await;
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let message = tokio::time::timeout_at(deadline, self.incoming.recv())
                .await
                .map_err(|_| WireError::Timeout(method.to_string()))?
                .ok_or(WireError::Closed)?;
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return Ok(message);
            }
            self.buffered.push_back(message);
        }
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        send(
            &self.writer,
            &json!({"jsonrpc": "2.0", "method": method, "params": params}),
        )
        .await;
    }

    /// Wait for a notification of this method whose params satisfy `wanted`; returns its
    /// params. Notifications passed over on the way are kept for later calls.
    pub async fn notification(
        &mut self,
        method: &str,
        wanted: impl Fn(&Value) -> bool,
        timeout: Duration,
    ) -> Result<Value, WireError> {
        let matches = |m: &Value| m.get("method") == Some(&json!(method)) && wanted(&m["params"]);
        if let Some(at) = self.buffered.iter().position(matches) {
            let message = self.buffered.remove(at).unwrap_or_default();
            return Ok(message["params"].clone());
        }
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let message = tokio::time::timeout_at(deadline, self.incoming.recv())
                .await
                .map_err(|_| WireError::Timeout(method.to_string()))?
                .ok_or(WireError::Closed)?;
            if matches(&message) {
                return Ok(message["params"].clone());
            }
            self.buffered.push_back(message);
        }
    }

    /// Every notification of this method received so far (buffered or waiting), in order.
    pub fn take_notifications(&mut self, method: &str) -> Vec<Value> {
        while let Ok(message) = self.incoming.try_recv() {
            self.buffered.push_back(message);
        }
        let (taken, kept): (Vec<Value>, Vec<Value>) = self
            .buffered
            .drain(..)
            .partition(|m| m.get("method") == Some(&json!(method)));
        self.buffered = kept.into();
        taken.into_iter().map(|m| m["params"].clone()).collect()
    }

    /// `shutdown` then `exit`; waits for the server to stop.
    pub async fn stop(mut self, timeout: Duration) -> Result<(), WireError> {
        self.request("shutdown", Value::Null, timeout).await?;
        self.notify("exit", Value::Null).await;
        tokio::time::timeout(timeout, self.server)
            .await
            .map_err(|_| WireError::Timeout("exit".into()))?
            .map_err(|_| WireError::Closed)
    }
}

async fn send(writer: &Writer, message: &Value) {
    let body = message.to_string();
    let mut w = writer.lock().await;
    let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
    // A closed pipe shows up as a missing answer.
    let _ = w.write_all(frame.as_bytes()).await;
    let _ = w.flush().await;
}

/// Read framed messages from the server; answer its requests, pass on everything else.
async fn read_messages(
    read: ReadHalf<DuplexStream>,
    writer: Writer,
    tx: mpsc::UnboundedSender<Value>,
) {
    let mut reader = BufReader::new(read);
    loop {
        let mut length: Option<usize> = None;
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length:") {
                length = n.trim().parse().ok();
            }
        }
        let Some(length) = length else { return };
        let mut body = vec![0u8; length];
        if reader.read_exact(&mut body).await.is_err() {
            return;
        }
        let Ok(message) = serde_json::from_slice::<Value>(&body) else {
            continue;
        };
        if message.get("method").is_some() && message.get("id").is_some() {
            let answer = json!({"jsonrpc": "2.0", "id": message["id"], "result": null});
            send(&writer, &answer).await;
        }
        if tx.send(message).is_err() {
            return;
        }
    }
}
