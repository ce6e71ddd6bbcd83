//! Outputs for pipelines and leads: manifests and the estate index, reports, the reuse graph
//! in DOT, Mermaid and JSON, and SARIF.
