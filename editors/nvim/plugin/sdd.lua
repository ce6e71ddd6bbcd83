-- User commands of the sdd plugin; the language server and tree-sitter start in
-- require('sdd').setup().
if vim.g.loaded_sdd then
  return
end
vim.g.loaded_sdd = 1

local function cmd(name, fn, opts)
  vim.api.nvim_create_user_command(name, fn, opts or {})
end

cmd('SddCheck', function(a)
  require('sdd').check(a.args ~= '' and a.args or nil)
end, { nargs = '?', complete = 'dir', desc = 'sdd check: fill the quickfix list' })
cmd('SddBuild', function(a)
  require('sdd').build(a.args ~= '' and a.args or nil)
end, { nargs = '?', complete = 'dir', desc = 'sdd build: write the manifests' })
cmd('SddGraph', function(a)
  require('sdd').graph(a.args ~= '' and a.args or nil)
end, { nargs = '?', complete = function()
  return { 'mermaid', 'dot', 'json' }
end, desc = 'sdd graph: show the reuse graph in a scratch buffer' })
cmd('SddBuildParser', function()
  require('sdd').build_parser({ force = true })
end, { desc = 'Compile the tree-sitter parser for .sdd' })
cmd('SddInfo', function()
  require('sdd').info()
end, { desc = 'Show what the sdd plugin found' })
