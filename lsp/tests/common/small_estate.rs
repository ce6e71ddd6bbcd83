//! A small estate of persons and a role that the file-set and workspace-folder tests build
//! their folders from, and what they ask the server about it: the codes published for a file,
//! and the files declaring a name.

use sdd_lsp::wire_client::WireClient;
use serde_json::{json, Value};

use super::TIMEOUT;

pub const PEOPLE: &str = "person bob { name: \"Bob\" roles: [lead] }\n";
pub const ROLES: &str = "role lead { approves: [spec, design] domains: [network] }\n";
pub const USER: &str = "person carol { name: \"Carol\" roles: [lead] }\n";

pub fn codes(params: &Value) -> Vec<String> {
    (params["diagnostics"].as_array().into_iter().flatten())
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect()
}

/// The files declaring a symbol of this name, as `workspace/symbol` answers: a request that
/// also waits for every earlier notification to be handled.
pub async fn declared_in(client: &mut WireClient, name: &str) -> Vec<String> {
    let answer = client
        .request("workspace/symbol", json!({"query": name}), TIMEOUT)
        .await
        .expect("workspace/symbol");
    let mut files: Vec<String> = (answer["result"].as_array().into_iter().flatten())
        .filter(|s| s["name"] == json!(name))
        .map(|s| s["location"]["uri"].as_str().unwrap_or("").to_string())
        .collect();
    files.sort();
    files
}

/// Wait for the diagnostics of `uri` to be published with exactly these codes.
pub async fn publication(client: &mut WireClient, uri: &str, codes_now: &[&str]) {
    let wanted: Vec<String> = codes_now.iter().map(|c| c.to_string()).collect();
    client
        .notification(
            "textDocument/publishDiagnostics",
            |p| p["uri"] == json!(uri) && codes(p) == wanted,
            TIMEOUT,
        )
        .await
        .unwrap_or_else(|e| panic!("{uri}: no publication of {wanted:?}: {e:?}"));
}
