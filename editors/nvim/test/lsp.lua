-- Headless Neovim end to end with the real language server (needs `sdd-lsp`):
--   SDD_E2E_ERROR_FILE=… SDD_E2E_ERROR_CODE=SDD101 \
--   nvim --headless --clean -u test/init.lua -c 'luafile test/lsp.lua' VALID_ENGAGEMENT.sdd
-- 1. the client attaches to the buffer;
-- 2. go to definition on the engagement's `profile: NAME` lands on `profile NAME`;
-- 3. opening SDD_E2E_ERROR_FILE publishes a diagnostic with SDD_E2E_ERROR_CODE;
-- 4. tree-sitter highlighting is active in both buffers.
-- Prints `nvim-lsp: N passed, M failed` and exits 0 or 1.
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
local timeout = tonumber(vim.env.SDD_E2E_TIMEOUT_MS or '') or 20000
local sdd = require('sdd')

local function clients(buf)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = buf })
  end
  return vim.lsp.buf_get_clients(buf) -- before 0.10 (a map)
end
local function attached(buf)
  return next(clients(buf)) ~= nil
end

-- 1. attach
local buf = vim.api.nvim_get_current_buf()
check('filetype sdd', vim.bo[buf].filetype == 'sdd', vim.bo[buf].filetype)
check('sdd-lsp attached', vim.wait(timeout, function() return attached(buf) end, 50))
check('tree-sitter highlighting active', sdd.treesitter_active(buf))

-- 2. definition
local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
local target
for i, line in ipairs(lines) do
  local col, name = line:match('^%s*profile:%s*()([%w_-]+)')
  if col then
    target = { row = i, col = col - 1, name = name }
    break
  end
end
check('the file names a profile', target ~= nil)
if target then
  vim.api.nvim_win_set_cursor(0, { target.row, target.col })
  vim.lsp.buf.definition()
  local pattern = '^%s*profile%s+' .. vim.pesc(target.name) .. '%f[^%w_-]'
  local landed = vim.wait(timeout, function()
    local row = vim.api.nvim_win_get_cursor(0)[1]
    local line = vim.api.nvim_buf_get_lines(0, row - 1, row, false)[1] or ''
    return line:match(pattern) ~= nil
  end, 50)
  check('go to definition lands on `profile ' .. target.name .. '`', landed,
    vim.api.nvim_buf_get_name(0) .. ':' .. vim.api.nvim_win_get_cursor(0)[1])
end

-- 3. diagnostics
local error_file = vim.env.SDD_E2E_ERROR_FILE
local code = vim.env.SDD_E2E_ERROR_CODE
if error_file and error_file ~= '' then
  vim.cmd('edit ' .. vim.fn.fnameescape(error_file))
  local ebuf = vim.api.nvim_get_current_buf()
  check('sdd-lsp attached to the broken file', vim.wait(timeout, function() return attached(ebuf) end, 50))
  local got = vim.wait(timeout, function()
    for _, d in ipairs(vim.diagnostic.get(ebuf)) do
      if code == nil or code == '' or tostring(d.code) == code or (d.message or ''):find(code, 1, true) then
        return true
      end
    end
    return false
  end, 50)
  local seen = {}
  for _, d in ipairs(vim.diagnostic.get(ebuf)) do
    table.insert(seen, tostring(d.code) .. ' ' .. (d.message or ''))
  end
  check('diagnostic ' .. (code or '') .. ' received', got, table.concat(seen, ' | '))
  check('tree-sitter highlighting active in the broken file', sdd.treesitter_active(ebuf))
else
  check('SDD_E2E_ERROR_FILE is set', false)
end

io.stdout:write(('nvim-lsp: %d passed, %d failed\n'):format(passed, failed))
vim.cmd(failed == 0 and 'qall!' or 'cquit!')
