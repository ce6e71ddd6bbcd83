-- Buffer settings for .sdd files.
if vim.b.did_ftplugin then
  return
end
vim.b.did_ftplugin = 1

vim.bo.commentstring = '// %s'
vim.bo.comments = 's1:/*,mb:*,ex:*/,:///,://'
vim.bo.expandtab = true
vim.bo.shiftwidth = 2
vim.bo.softtabstop = 2
-- Identifiers may contain hyphens: `dc2-edge`, `bgp-peer-dc2`.
vim.opt_local.iskeyword:append('-')
vim.opt_local.iskeyword:append('@-@')

vim.b.undo_ftplugin = 'setlocal commentstring< comments< expandtab< shiftwidth< softtabstop< iskeyword<'

vim.bo.indentexpr = "v:lua.require'sdd.indent'.get()"
vim.bo.indentkeys = '0{,0},0],!^F,o,O'
vim.b.undo_ftplugin = vim.b.undo_ftplugin .. ' indentexpr< indentkeys<'
