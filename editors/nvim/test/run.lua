-- Headless Neovim checks of the plugin that need no language server:
--   nvim --headless --clean -u test/init.lua -c 'luafile test/run.lua' FILE.sdd
-- Filetype detection, the tree-sitter parser (built from grammar/tree-sitter-sdd), active
-- highlighting with the expected captures, no syntax error in FILE, the indent expression,
-- and the message when sdd-lsp is missing. Prints `nvim: N passed, M failed` and exits 0 or 1.
local passed, failed = 0, 0
local function check(name, ok, detail)
  if ok then
    passed = passed + 1
    io.stdout:write('ok - ' .. name .. '\n')
  else
    failed = failed + 1
    io.stdout:write('not ok - ' .. name .. (detail and (': ' .. tostring(detail)) or '') .. '\n')
  end
end

local sdd = require('sdd')
local version = vim.version()
io.stdout:write(('# Neovim %d.%d.%d\n'):format(version.major, version.minor, version.patch))

-- Capture messages.
local messages = {}
local original_notify = vim.notify
vim.notify = function(msg, level)
  table.insert(messages, msg)
  return original_notify(msg, level)
end

local file = vim.fn.argv(0)
if file == nil or file == '' then
  file = vim.fn.fnamemodify(sdd.plugin_dir() .. '/../../examples/types.sdd', ':p')
end
vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
vim.wait(200, function() return false end)

check('filetype of ' .. vim.fn.fnamemodify(file, ':t') .. ' is sdd', vim.bo[buf].filetype == 'sdd', vim.bo[buf].filetype)
check('commentstring', vim.bo[buf].commentstring == '// %s', vim.bo[buf].commentstring)
check('parser built and found', sdd.parser_path() ~= nil, sdd.parser_path())
check('tree-sitter highlighting active', sdd.treesitter_active(buf))

local ok_parser, parser = pcall(vim.treesitter.get_parser, buf, 'sdd')
check('get_parser', ok_parser, parser)
if ok_parser then
  local tree = parser:parse()[1]
  local root = tree:root()
  check('no syntax error in the file', not root:has_error(), root:sexpr():sub(1, 200))

  -- query.get on 0.9+, query.get_query before
  local get_query = vim.treesitter.query.get or vim.treesitter.query.get_query
  for _, name in ipairs({ 'highlights', 'folds', 'locals', 'indents', 'textobjects' }) do
    local ok, q = pcall(get_query, 'sdd', name)
    check(name .. '.scm loads', ok and q ~= nil, q)
  end

  -- The first capture at each node's start must be what highlights.scm says.
  local ok, query = pcall(get_query, 'sdd', 'highlights')
  if ok and query then
    local seen = {}
    for id, node in query:iter_captures(root, buf, 0, -1) do
      local text = vim.treesitter.get_node_text and vim.treesitter.get_node_text(node, buf)
        or vim.treesitter.query.get_node_text(node, buf)
      local capture = query.captures[id]
      seen[capture] = seen[capture] or {}
      seen[capture][text] = true
    end
    local function saw(capture, text)
      return seen[capture] ~= nil and (text == nil or seen[capture][text] == true)
    end
    local any = false
    for _ in pairs(seen) do any = true end
    check('highlights capture something', any)
    check('a declaration keyword is @keyword.type', saw('keyword.type'))
    check('comments are captured', saw('comment') or saw('comment.documentation'))
  end
end

-- A scratch buffer with every construct: parse, captures and indentation.
local sample = {
  '/// doc',
  'engagement e {',
  'owner: @alice',
  'window: { start: 2026-11-28T02:00Z length: 2h }',
  'requirements {',
  'requirement R1 "Title \\"quoted\\"" {',
  'priority: must',
  '}',
  '}',
  'as_built {',
  'verified R1 by T1 { result: pass }',
  '}',
  '}',
}
vim.cmd('enew')
local scratch = vim.api.nvim_get_current_buf()
vim.bo[scratch].filetype = 'sdd'
vim.api.nvim_buf_set_lines(scratch, 0, -1, false, sample)
vim.bo[scratch].shiftwidth = 2
vim.cmd('silent normal! gg=G')
local got = vim.api.nvim_buf_get_lines(scratch, 0, -1, false)
local want = {
  '/// doc',
  'engagement e {',
  '  owner: @alice',
  '  window: { start: 2026-11-28T02:00Z length: 2h }',
  '  requirements {',
  '    requirement R1 "Title \\"quoted\\"" {',
  '      priority: must',
  '    }',
  '  }',
  '  as_built {',
  '    verified R1 by T1 { result: pass }',
  '  }',
  '}',
}
check('indentexpr re-indents a block', vim.deep_equal(got, want), table.concat(got, '\n'))
check('tree-sitter active in a new sdd buffer', sdd.treesitter_active(scratch))
local sparser = vim.treesitter.get_parser(scratch, 'sdd')
check('no syntax error in the sample', not sparser:parse()[1]:root():has_error())

-- Without sdd-lsp: one clear message, nothing else breaks.
if vim.fn.executable(vim.env.SDD_LSP or 'sdd-lsp') == 0 then
  vim.wait(100, function() return false end)
  local found = false
  for _, m in ipairs(messages) do
    if m:find('was not found', 1, true) and m:find('cargo install --path lsp', 1, true) then
      found = true
    end
  end
  check('missing sdd-lsp is reported with install steps', found, table.concat(messages, ' | '))
end

-- :SddCheck with a stand-in `sdd` CLI fills the quickfix list from `--format json`.
if vim.fn.has('unix') == 1 then
  local fake = vim.fn.tempname() .. '-sdd'
  vim.fn.writefile({
    '#!/bin/sh',
    [[echo '[{"file":"a.sdd","range":{"start":{"line":2,"column":3}},"code":"SDD101","severity":"error","message":"unknown name x","help":null}]']],
    'exit 1',
  }, fake)
  vim.fn.setfperm(fake, 'rwx------')
  local saved = sdd.config.cli
  sdd.config.cli = fake
  local done = false
  sdd.check(vim.fn.getcwd(), function() done = true end)
  vim.wait(5000, function() return done end, 20)
  sdd.config.cli = saved
  local qf = vim.fn.getqflist()
  check(':SddCheck fills the quickfix list', #qf == 1 and qf[1].lnum == 2 and qf[1].col == 3
    and qf[1].type == 'E' and qf[1].text:find('SDD101', 1, true) ~= nil, vim.inspect(qf))
end

io.stdout:write(('nvim: %d passed, %d failed\n'):format(passed, failed))
vim.cmd(failed == 0 and 'qall!' or 'cquit!')
