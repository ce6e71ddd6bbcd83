; Highlights for the .sdd spec language.
;
; When several patterns match one node, the later pattern wins (tree-sitter's highlighter and
; Neovim agree on this), so general patterns come first and specific ones after them. The
; specific ones also carry a priority, which Neovim honours before pattern order.

; ---- values -----------------------------------------------------------------------------

(string) @string

(text_block) @string

(escape_sequence) @string.escape

(integer) @number

(decimal) @number.float

(boolean) @boolean

[
  (date)
  (datetime)
  (duration)
] @number

(version) @string.special

(person_ref) @string.special.symbol

; A named value: an enum variant (`must`, `network`) or a reference to a declaration.
(field
  value: (identifier) @constant)

(list
  (identifier) @constant)

; ---- fields and variants ----------------------------------------------------------------

(field
  name: (identifier) @property)

(variant
  name: (identifier) @constant)

; ---- punctuation ------------------------------------------------------------------------

[
  "{"
  "}"
  "["
  "]"
] @punctuation.bracket

(type_application
  [
    "<"
    ">"
  ] @punctuation.bracket)

[
  ":"
  ","
] @punctuation.delimiter

(optional_marker) @operator

; ---- keywords ---------------------------------------------------------------------------

; Top-level declarations.
[
  "person"
  "role"
  "enum"
  "record"
  "profile"
  "asset"
  "engagement"
] @keyword.type

; Blocks and nested items.
[
  "field"
  "requirements"
  "requirement"
  "constraint"
  "gate"
  "feasibility"
  "finding"
  "risk"
  "design"
  "component"
  "test"
  "build"
  "as_built"
  "built"
  "deviation"
  "verified"
] @keyword

"by" @keyword.operator

; ---- declared names ---------------------------------------------------------------------

(item
  keyword: [
    "enum"
    "record"
    "profile"
  ]
  name: (identifier) @type.definition)

(item
  keyword: [
    "person"
    "role"
  ]
  name: (identifier) @constant)

(item
  keyword: [
    "asset"
    "engagement"
  ]
  name: (identifier) @module)

; `field NAME?: TYPE` in a profile.
(item
  keyword: "field"
  name: (identifier) @property)

; `gate spec`, `gate design`
(item
  keyword: "gate"
  name: (identifier) @attribute)

; IDs and component names: R1, C1, F1, K1, T1, D1, peer-config, and `verified R1 by T1`.
(item
  keyword: [
    "requirement"
    "constraint"
    "finding"
    "risk"
    "component"
    "test"
    "built"
    "deviation"
    "verified"
  ]
  name: (identifier) @label)

(item
  by: (identifier) @label)

; An asset reference: `bgp-neighbor-template "^2.1"`, `netbox-sot-client 1.4.2`.
(asset_ref
  name: (identifier) @module)

((asset_ref
  version: (string) @string.special)
  (#set! priority 105))

; ---- types ------------------------------------------------------------------------------

; Declared enums and records used as types: in a profile's `field NAME: TYPE`, a record's
; `FIELD: TYPE` and a type application `list<T>`.
((item
  keyword: "field"
  type: (identifier) @type)
  (#set! priority 104))

((item
  keyword: "record"
  body: (body
    (field
      value: (identifier) @type)))
  (#set! priority 104))

((type_application
  [
    name: (identifier)
    argument: (identifier)
  ] @type)
  (#set! priority 104))

; Built-in types.
((item
  keyword: "field"
  type: (identifier) @type.builtin)
  (#any-of? @type.builtin
    "text" "int" "decimal" "bool" "date" "datetime" "duration" "version" "constraint" "person"
    "ip" "cidr" "asn" "vlan" "list")
  (#set! priority 105))

((item
  keyword: "record"
  body: (body
    (field
      value: (identifier) @type.builtin)))
  (#any-of? @type.builtin
    "text" "int" "decimal" "bool" "date" "datetime" "duration" "version" "constraint" "person"
    "ip" "cidr" "asn" "vlan" "list")
  (#set! priority 105))

((type_application
  [
    name: (identifier)
    argument: (identifier)
  ] @type.builtin)
  (#any-of? @type.builtin
    "text" "int" "decimal" "bool" "date" "datetime" "duration" "version" "constraint" "person"
    "ip" "cidr" "asn" "vlan" "list")
  (#set! priority 105))

; ---- comments ---------------------------------------------------------------------------

(comment) @comment

(doc_comment) @comment.documentation
