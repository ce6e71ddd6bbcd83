-- Detect .sdd files (the spec language of Spec-Driven Development).
if vim.filetype and vim.filetype.add then
  -- Neovim 0.8+ (filetype.lua); 0.7 only when g:do_filetype_lua is set.
  vim.filetype.add({ extension = { sdd = 'sdd' } })
end
-- Every version: the classic way, which also serves 0.7's filetype.vim.
vim.cmd([[autocmd BufRead,BufNewFile *.sdd setfiletype sdd]])
