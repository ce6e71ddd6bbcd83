-- indentexpr for .sdd buffers: one 'shiftwidth' inside { … } and [ … ].
local M = {}

-- A line's text without strings and comments, so braces inside them do not count.
local function code_of(line)
  line = line:gsub('"""', ''):gsub('"[^"]*"', '""')
  line = line:gsub('/%*.-%*/', '')
  line = line:gsub('//.*$', '')
  return line
end

local function net_opens(line)
  local code = code_of(line)
  local opens = select(2, code:gsub('[{%[]', ''))
  local closes = select(2, code:gsub('[}%]]', ''))
  -- closers at the start of the line were already dedented on that line
  local leading = #(code:match('^%s*([}%]]*)') or '')
  return opens - (closes - leading)
end

function M.get(lnum)
  lnum = lnum or vim.v.lnum
  local prev = vim.fn.prevnonblank(lnum - 1)
  if prev == 0 then
    return 0
  end
  local sw = vim.fn.shiftwidth()
  local indent = vim.fn.indent(prev)
  local prev_line = vim.fn.getline(prev)
  if net_opens(prev_line) > 0 then
    indent = indent + sw
  end
  local line = vim.fn.getline(lnum)
  if line:match('^%s*[}%]]') then
    indent = indent - sw
  end
  return math.max(indent, 0)
end

return M
