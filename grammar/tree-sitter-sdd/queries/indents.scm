; Indentation (nvim-treesitter conventions): one level inside braces and brackets.
[
  (body)
  (list)
  (record)
] @indent.begin

[
  "}"
  "]"
] @indent.branch @indent.end

(text_block) @indent.auto

(comment) @indent.auto
