; Scopes, definitions and references within one file.
;
; All files of an estate share one namespace (no imports): a name declared in one file is
; visible in every file. These queries only relate names inside the file being edited; the
; language server (sdd-lsp) resolves names across the estate.

(source_file) @local.scope

(item
  body: (body) @local.scope)

; Top-level declarations: person, role, enum, record, profile, asset, engagement.
(source_file
  (item
    name: (identifier) @local.definition))

; IDs declared inside an engagement: requirements, constraints, findings, risks, components,
; tests and deviations (`built` and `verified` refer to them, they declare nothing).
(item
  keyword: [
    "requirement" "constraint" "finding" "risk" "component" "test" "deviation" "field"
  ]
  name: (identifier) @local.definition)

(variant
  name: (identifier) @local.definition)

; References.
(item
  keyword: ["built" "verified"]
  name: (identifier) @local.reference)

(item
  by: (identifier) @local.reference)

(field
  value: (identifier) @local.reference)

(list
  (identifier) @local.reference)

(asset_ref
  name: (identifier) @local.reference)

(type_application
  name: (identifier) @local.reference)

(type_application
  argument: (identifier) @local.reference)
