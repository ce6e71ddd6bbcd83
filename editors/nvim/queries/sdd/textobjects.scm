; Text objects (nvim-treesitter-textobjects conventions).

; A top-level declaration is a "class": person, role, enum, record, profile, asset,
; engagement.
(source_file
  (item) @class.outer)

(source_file
  (item
    body: (body
      .
      "{"
      .
      (_) @_start @_end
      (_)? @_end
      .
      "}"
      (#make-range! "class.inner" @_start @_end))))

; Any item is a block: requirements { … }, requirement R1 "…" { … }, gate spec { … }.
(item) @block.outer

(body
  .
  "{"
  .
  (_) @_start @_end
  (_)? @_end
  .
  "}"
  (#make-range! "block.inner" @_start @_end))

; A field is an assignment: `name: value`.
(field) @assignment.outer

(field
  name: (_) @assignment.lhs)

(field
  value: (_) @assignment.inner @assignment.rhs)

; A list element or an enum variant is a "parameter"-sized object.
(list
  (_) @parameter.inner @parameter.outer)

(variant) @parameter.outer

(variant
  name: (_) @parameter.inner)

(doc_comment) @comment.outer

(comment) @comment.outer
