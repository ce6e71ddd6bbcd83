-- Minimal init for the headless tests: this plugin only, its parser built into a temp folder.
local plugin = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h:h')
vim.opt.runtimepath:prepend(plugin)
vim.opt.swapfile = false
vim.cmd('filetype plugin indent on')
vim.cmd('runtime! ftdetect/sdd.lua')
vim.cmd('runtime! plugin/sdd.lua')
require('sdd').setup({
  parser_dir = vim.env.SDD_NVIM_PARSER_DIR or (vim.fn.tempname() .. '-parser'),
  cmd = { vim.env.SDD_LSP or 'sdd-lsp' },
  cli = vim.env.SDD_CLI or 'sdd',
  lsp_api = vim.env.SDD_NVIM_LSP_API or 'auto',
})
