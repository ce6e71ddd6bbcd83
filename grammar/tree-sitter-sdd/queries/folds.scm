; Folding: item bodies, multi-line lists and records, text blocks and block comments.
[
  (body)
  (list)
  (record)
  (text_block)
  (comment)
] @fold
