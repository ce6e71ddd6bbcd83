-- Neovim support for the .sdd spec language (Spec-Driven Development).
--
--   require('sdd').setup({
--     cmd = { 'sdd-lsp' },          -- the language server (stdio)
--     cli = 'sdd',                  -- the command-line tool (:SddCheck, :SddBuild, :SddGraph)
--     root_markers = { '.git' },    -- what marks an estate root (else the working directory)
--     lsp = true,                   -- start sdd-lsp for .sdd buffers
--     treesitter = true,            -- tree-sitter highlighting
--     build_parser = true,          -- compile the parser with a C compiler when it is missing
--     folds = false,                -- tree-sitter folding (Neovim 0.10+)
--     keymaps = true,               -- gd (definition) and K (hover, before 0.10) in .sdd buffers
--     on_attach = nil, capabilities = nil, settings = nil,
--   })
--
-- Works on Neovim 0.7 and later: vim.lsp.config/vim.lsp.enable on 0.11+, vim.lsp.start on
-- 0.8–0.10 and vim.lsp.start_client on 0.7.

local M = {}

local uv = vim.uv or vim.loop

local defaults = {
  cmd = { 'sdd-lsp' },
  cli = 'sdd',
  root_markers = { '.git' },
  lsp = true,
  treesitter = true,
  build_parser = true,
  folds = false,
  keymaps = true,
  grammar_dir = nil, -- default: grammar/tree-sitter-sdd of the repository this plugin is in
  parser_dir = nil, -- default: parser/ beside this plugin's lua/ folder
  graph_format = 'mermaid',
  -- Which client API to use: 'auto' (the newest this Neovim has), 'config' (0.11+
  -- vim.lsp.config/enable), 'start' (0.8+ vim.lsp.start) or 'start_client' (0.7).
  lsp_api = 'auto',
  build_dir = 'target/sdd',
  on_attach = nil,
  capabilities = nil,
  settings = nil,
}

M.config = vim.deepcopy(defaults)

local function has(version)
  return vim.fn.has('nvim-' .. version) == 1
end

local function notify(message, level)
  vim.schedule(function()
    vim.notify('sdd: ' .. message, level or vim.log.levels.INFO)
  end)
end

local function join(...)
  return table.concat({ ... }, '/')
end

local function exists(path)
  return path ~= nil and uv.fs_stat(path) ~= nil
end

local function mtime(path)
  local stat = uv.fs_stat(path)
  return stat and stat.mtime.sec or 0
end

--- The folder of this plugin (the one holding lua/, ftdetect/, queries/).
function M.plugin_dir()
  local source = debug.getinfo(1, 'S').source:sub(2)
  -- Through symlinks (a pack/*/start/sdd link to editors/nvim), so grammar_dir() is found.
  source = uv.fs_realpath(source) or source
  return vim.fn.fnamemodify(source, ':p:h:h:h')
end

--- The tree-sitter grammar: grammar/tree-sitter-sdd beside editors/ in the repository.
function M.grammar_dir()
  if M.config.grammar_dir then
    return vim.fn.fnamemodify(M.config.grammar_dir, ':p'):gsub('/$', '')
  end
  return vim.fn.fnamemodify(M.plugin_dir() .. '/../../grammar/tree-sitter-sdd', ':p'):gsub('/$', '')
end

local function parser_dir()
  return M.config.parser_dir or join(M.plugin_dir(), 'parser')
end

local function library_suffix()
  return vim.fn.has('win32') == 1 and 'dll' or 'so'
end

--- Where the compiled parser is: a parser/sdd.so on 'runtimepath' (ours first).
function M.parser_path()
  local ours = join(parser_dir(), 'sdd.' .. library_suffix())
  if exists(ours) then
    return ours
  end
  local found = vim.api.nvim_get_runtime_file('parser/sdd.' .. library_suffix(), false)
  return found[1]
end

-- ---- tree-sitter --------------------------------------------------------------------------

--- Compile grammar/tree-sitter-sdd/src/parser.c into parser/sdd.so with the system C compiler.
--- Returns the library's path, or nil and a message.
function M.build_parser(opts)
  opts = opts or {}
  local grammar = M.grammar_dir()
  local source = join(grammar, 'src', 'parser.c')
  if not exists(source) then
    return nil, 'no tree-sitter grammar at ' .. grammar .. ' (set grammar_dir in setup())'
  end
  local target = join(parser_dir(), 'sdd.' .. library_suffix())
  local scanner = join(grammar, 'src', 'scanner.c')
  local newest = math.max(mtime(source), exists(scanner) and mtime(scanner) or 0)
  if not opts.force and exists(target) and mtime(target) >= newest then
    return target
  end
  local compiler
  for _, candidate in ipairs({ vim.env.CC or '', 'cc', 'gcc', 'clang', 'zig' }) do
    if candidate ~= '' and vim.fn.executable(candidate) == 1 then
      compiler = candidate
      break
    end
  end
  if not compiler then
    return nil, 'no C compiler (cc, gcc, clang) to build the tree-sitter parser; install one, '
      .. 'or install the parser with nvim-treesitter (:TSInstall sdd)'
  end
  vim.fn.mkdir(parser_dir(), 'p')
  local args = { compiler }
  if compiler == 'zig' then
    table.insert(args, 'cc')
  end
  vim.list_extend(args, { '-o', target, '-shared', '-fPIC', '-Os', '-std=c11', '-I', join(grammar, 'src'), source })
  if exists(scanner) then
    table.insert(args, scanner)
  end
  local output = vim.fn.system(args)
  if vim.v.shell_error ~= 0 then
    return nil, 'building the parser failed: ' .. table.concat(args, ' ') .. '\n' .. output
  end
  if opts.force then
    notify('built ' .. target)
  end
  return target
end

local language_loaded = false

--- Load the sdd parser into Neovim; build it first when needed and allowed.
function M.load_language()
  if language_loaded then
    return true
  end
  local path = M.parser_path()
  local grammar_source = join(M.grammar_dir(), 'src', 'parser.c')
  local ours = join(parser_dir(), 'sdd.' .. library_suffix())
  if M.config.build_parser and (not path or (path == ours and exists(grammar_source)
      and mtime(path) < mtime(grammar_source))) then
    local built, err = M.build_parser()
    if not built then
      if not path then
        notify(err, vim.log.levels.WARN)
        return false
      end
    else
      path = built
    end
  end
  if not path then
    return false
  end
  local ok, err
  if vim.treesitter.language and vim.treesitter.language.add then
    ok, err = pcall(vim.treesitter.language.add, 'sdd', { path = path })
  else
    ok, err = pcall(vim.treesitter.require_language, 'sdd', path)
  end
  if not ok then
    notify('cannot load the tree-sitter parser ' .. path .. ': ' .. tostring(err), vim.log.levels.WARN)
    return false
  end
  if vim.treesitter.language and vim.treesitter.language.register then
    vim.treesitter.language.register('sdd', 'sdd')
  end
  language_loaded = true
  return true
end

--- Start tree-sitter highlighting (and folding, if asked) in a buffer.
function M.start_treesitter(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not M.load_language() then
    return false
  end
  local ok, err
  if vim.treesitter.start then
    ok, err = pcall(vim.treesitter.start, bufnr, 'sdd')
  else
    -- Neovim 0.7
    ok, err = pcall(function()
      local parser = vim.treesitter.get_parser(bufnr, 'sdd')
      vim.treesitter.highlighter.new(parser)
    end)
  end
  if not ok then
    notify('tree-sitter highlighting failed: ' .. tostring(err), vim.log.levels.WARN)
    return false
  end
  if M.config.folds and vim.treesitter.foldexpr then
    for _, win in ipairs(vim.fn.win_findbuf(bufnr)) do
      vim.wo[win].foldmethod = 'expr'
      vim.wo[win].foldexpr = 'v:lua.vim.treesitter.foldexpr()'
      vim.wo[win].foldlevel = 99
    end
  end
  return true
end

--- Whether tree-sitter highlighting is active in a buffer.
function M.treesitter_active(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local highlighter = vim.treesitter.highlighter
  return highlighter ~= nil and highlighter.active ~= nil and highlighter.active[bufnr] ~= nil
end

-- Tell nvim-treesitter about the grammar, so that :TSInstall sdd works too.
local function register_with_nvim_treesitter()
  local ok, parsers = pcall(require, 'nvim-treesitter.parsers')
  if not ok then
    return
  end
  local grammar = M.grammar_dir()
  if type(parsers.get_parser_configs) == 'function' then
    -- nvim-treesitter `master`
    parsers.get_parser_configs().sdd = {
      install_info = {
        url = grammar,
        files = { 'src/parser.c' },
        generate_requires_npm = false,
        requires_generate_from_grammar = false,
      },
      filetype = 'sdd',
    }
  else
    -- nvim-treesitter `main`: parsers are registered on User TSUpdate
    vim.api.nvim_create_autocmd('User', {
      pattern = 'TSUpdate',
      callback = function()
        require('nvim-treesitter.parsers').sdd = {
          install_info = { path = grammar, queries = 'queries' },
        }
      end,
    })
  end
end

-- ---- language server ------------------------------------------------------------------

local function find_root(path)
  local dir = vim.fn.fnamemodify(path ~= '' and path or vim.fn.getcwd(), ':p:h')
  local cwd = vim.fn.getcwd()
  local current = dir
  while current and current ~= '' do
    for _, marker in ipairs(M.config.root_markers or {}) do
      if exists(join(current, marker)) then
        return current
      end
    end
    local parent = vim.fn.fnamemodify(current, ':h')
    if parent == current then
      break
    end
    current = parent
  end
  -- No marker: the working directory when the file is inside it, else the file's folder.
  if dir == cwd or dir:sub(1, #cwd + 1) == cwd .. '/' then
    return cwd
  end
  return dir
end
M.find_root = find_root

local warned_missing = false

--- The server command, or nil (with one message) when it cannot be found.
function M.server_cmd()
  local cmd = M.config.cmd
  if type(cmd) == 'string' then
    cmd = { cmd }
  end
  if type(cmd) ~= 'table' or not cmd[1] then
    return nil
  end
  local exe = vim.fn.expand(cmd[1])
  if vim.fn.executable(exe) ~= 1 then
    local cargo = join(vim.env.CARGO_HOME or join(vim.env.HOME or '', '.cargo'), 'bin', exe)
    if exe:find('/') == nil and vim.fn.executable(cargo) == 1 then
      exe = cargo
    else
      if not warned_missing then
        warned_missing = true
        notify(('the language server `%s` was not found. Install it from the sdd repository with '
          .. '`cargo install --path lsp`, or point setup({ cmd = { "/path/to/sdd-lsp" } }) at it. '
          .. 'Highlighting works without it.'):format(cmd[1]), vim.log.levels.ERROR)
      end
      return nil
    end
  end
  local resolved = vim.deepcopy(cmd)
  resolved[1] = exe
  return resolved
end

local function on_attach(client, bufnr)
  if M.config.keymaps then
    local function map(lhs, rhs, desc)
      vim.keymap.set('n', lhs, rhs, { buffer = bufnr, silent = true, desc = desc })
    end
    map('gd', vim.lsp.buf.definition, 'sdd: go to definition')
    if not has('0.10') then
      map('K', vim.lsp.buf.hover, 'sdd: hover')
    end
  end
  if M.config.on_attach then
    M.config.on_attach(client, bufnr)
  end
end

local function client_config(cmd, root)
  return {
    name = 'sdd',
    cmd = cmd,
    root_dir = root,
    workspace_folders = root and { { uri = vim.uri_from_fname(root), name = root } } or nil,
    capabilities = M.config.capabilities or vim.lsp.protocol.make_client_capabilities(),
    settings = M.config.settings,
    on_attach = on_attach,
  }
end

local clients_by_root = {} -- Neovim 0.7: one client per estate root

--- Attach sdd-lsp to a buffer (Neovim before 0.11; 0.11+ uses vim.lsp.enable).
local function lsp_api()
  local api = M.config.lsp_api or 'auto'
  if api ~= 'auto' then
    return api
  end
  if vim.lsp.config and vim.lsp.enable then
    return 'config'
  end
  return vim.lsp.start and 'start' or 'start_client'
end

function M.attach_lsp(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local cmd = M.server_cmd()
  if not cmd then
    return nil
  end
  local root = find_root(vim.api.nvim_buf_get_name(bufnr))
  local config = client_config(cmd, root)
  if lsp_api() == 'start' then
    -- 0.8 – 0.10
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  -- 0.7
  local id = clients_by_root[root]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client(config)
    clients_by_root[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

local function setup_lsp(group)
  if lsp_api() == 'config' then
    -- Neovim 0.11+
    local cmd = M.server_cmd()
    if not cmd then
      return
    end
    local config = client_config(cmd, nil)
    config.name = nil
    config.root_dir = function(bufnr, on_dir)
      on_dir(find_root(vim.api.nvim_buf_get_name(bufnr)))
    end
    config.workspace_folders = nil
    config.filetypes = { 'sdd' }
    vim.lsp.config('sdd', config)
    vim.lsp.enable('sdd')
    return
  end
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = 'sdd',
    callback = function(args)
      M.attach_lsp(args.buf)
    end,
  })
end

-- ---- CLI commands ---------------------------------------------------------------------

local function cli_cmd()
  local exe = vim.fn.expand(M.config.cli)
  if vim.fn.executable(exe) ~= 1 then
    notify(('the command-line tool `%s` was not found. Install it from the sdd repository with '
      .. '`cargo install --path compiler`, or set setup({ cli = "/path/to/sdd" }).'):format(M.config.cli),
      vim.log.levels.ERROR)
    return nil
  end
  return exe
end

local function estate(path)
  if path and path ~= '' then
    return vim.fn.fnamemodify(path, ':p'):gsub('/$', '')
  end
  return find_root(vim.api.nvim_buf_get_name(0))
end

local function run(args, cwd, on_done)
  local stdout, stderr = {}, {}
  local id = vim.fn.jobstart(args, {
    cwd = cwd,
    stdout_buffered = true,
    stderr_buffered = true,
    on_stdout = function(_, data)
      stdout = data
    end,
    on_stderr = function(_, data)
      stderr = data
    end,
    on_exit = function(_, code)
      vim.schedule(function()
        on_done(code, table.concat(stdout, '\n'), table.concat(stderr, '\n'))
      end)
    end,
  })
  if id <= 0 then
    notify('could not run ' .. args[1], vim.log.levels.ERROR)
  end
  return id
end
M._run = run

local function decode_json(text)
  local ok, value = pcall(vim.json and vim.json.decode or vim.fn.json_decode, text)
  if ok then
    return value
  end
  return nil
end

--- Turn `sdd check --format json` output into quickfix items.
function M.quickfix_items(diagnostics, root)
  local items = {}
  for _, d in ipairs(diagnostics) do
    local start = (d.range or {}).start or {}
    local file = d.file or ''
    if root and file ~= '' and file:sub(1, 1) ~= '/' then
      file = join(root, file)
    end
    local severity = d.severity or 'error'
    local text = ('[%s] %s'):format(d.code or '?', d.message or '')
    if d.help and d.help ~= vim.NIL and d.help ~= '' then
      text = text .. ' (help: ' .. d.help .. ')'
    end
    table.insert(items, {
      filename = file,
      lnum = start.line or 1,
      col = start.column or 1,
      type = severity == 'error' and 'E' or severity == 'warning' and 'W' or 'I',
      text = text,
    })
  end
  return items
end

--- :SddCheck [ESTATE] — run `sdd check --format json` and fill the quickfix list.
function M.check(path, on_done)
  local exe = cli_cmd()
  if not exe then
    return
  end
  local root = estate(path)
  return run({ exe, 'check', root, '--format', 'json' }, root, function(code, out, err)
    local diagnostics = decode_json(out)
    if type(diagnostics) ~= 'table' then
      notify(('`sdd check` failed (exit %d): %s'):format(code, err ~= '' and err or out), vim.log.levels.ERROR)
    else
      local items = M.quickfix_items(diagnostics, root)
      vim.fn.setqflist({}, 'r', { title = 'sdd check ' .. root, items = items })
      if #items > 0 then
        vim.cmd('copen')
      end
      notify(('sdd check: %d problem%s'):format(#items, #items == 1 and '' or 's'),
        #items > 0 and vim.log.levels.WARN or vim.log.levels.INFO)
    end
    if on_done then
      on_done(code, diagnostics)
    end
  end)
end

--- :SddBuild [ESTATE] — run `sdd build ESTATE -o ESTATE/target/sdd`.
function M.build(path, on_done)
  local exe = cli_cmd()
  if not exe then
    return
  end
  local root = estate(path)
  local out_dir = M.config.build_dir:sub(1, 1) == '/' and M.config.build_dir or join(root, M.config.build_dir)
  return run({ exe, 'build', root, '-o', out_dir }, root, function(code, out, err)
    if code == 0 then
      notify('manifests written to ' .. out_dir)
    else
      notify(('`sdd build` failed (exit %d): %s'):format(code, err ~= '' and err or out), vim.log.levels.ERROR)
    end
    if on_done then
      on_done(code)
    end
  end)
end

--- :SddGraph [FORMAT] — show `sdd graph --format FORMAT` in a scratch buffer.
function M.graph(format, on_done)
  local exe = cli_cmd()
  if not exe then
    return
  end
  format = format or M.config.graph_format
  local root = estate(nil)
  return run({ exe, 'graph', root, '--format', format }, root, function(code, out, err)
    if code ~= 0 then
      notify(('`sdd graph` failed (exit %d): %s'):format(code, err ~= '' and err or out), vim.log.levels.ERROR)
    else
      vim.cmd('vnew')
      local buf = vim.api.nvim_get_current_buf()
      vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(out, '\n', { plain = true }))
      vim.bo[buf].buftype = 'nofile'
      vim.bo[buf].bufhidden = 'wipe'
      vim.bo[buf].filetype = ({ mermaid = 'mermaid', dot = 'dot', json = 'json' })[format] or ''
      pcall(vim.api.nvim_buf_set_name, buf, 'sdd-graph.' .. (format == 'mermaid' and 'mmd' or format))
    end
    if on_done then
      on_done(code)
    end
  end)
end

--- :SddInfo
function M.info()
  local lines = {
    'sdd plugin: ' .. M.plugin_dir(),
    'grammar:    ' .. M.grammar_dir() .. (exists(join(M.grammar_dir(), 'src', 'parser.c')) and '' or '  (missing)'),
    'parser:     ' .. (M.parser_path() or '(not built: :SddBuildParser)'),
    'highlight:  ' .. (M.treesitter_active(0) and 'tree-sitter active in this buffer' or 'tree-sitter not active in this buffer'),
    'server:     ' .. table.concat(type(M.config.cmd) == 'table' and M.config.cmd or { tostring(M.config.cmd) }, ' ')
      .. (vim.fn.executable(vim.fn.expand(type(M.config.cmd) == 'table' and M.config.cmd[1] or M.config.cmd)) == 1 and '' or '  (not found)'),
    'cli:        ' .. M.config.cli .. (vim.fn.executable(vim.fn.expand(M.config.cli)) == 1 and '' or '  (not found)'),
  }
  vim.api.nvim_echo({ { table.concat(lines, '\n') } }, true, {})
end

-- ---- setup ----------------------------------------------------------------------------

function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  if type(M.config.root_markers) == 'table' and opts and opts.root_markers then
    M.config.root_markers = opts.root_markers -- lists are replaced, not merged
  end
  language_loaded = false
  warned_missing = false

  -- The plugin's own folder must be on 'runtimepath' for ftdetect/ and queries/.
  local dir = M.plugin_dir()
  if not vim.tbl_contains(vim.api.nvim_list_runtime_paths(), dir) then
    vim.opt.runtimepath:append(dir)
  end
  if vim.filetype and vim.filetype.add then
    vim.filetype.add({ extension = { sdd = 'sdd' } })
  end
  -- The user commands, when the plugin manager did not source plugin/ (e.g. a subfolder).
  if not vim.g.loaded_sdd then
    dofile(join(dir, 'plugin', 'sdd.lua'))
  end

  local group = vim.api.nvim_create_augroup('sdd', { clear = true })
  vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
    group = group,
    pattern = '*.sdd',
    callback = function(args)
      if vim.bo[args.buf].filetype ~= 'sdd' then
        vim.bo[args.buf].filetype = 'sdd'
      end
    end,
  })

  if M.config.treesitter then
    register_with_nvim_treesitter()
    vim.api.nvim_create_autocmd('FileType', {
      group = group,
      pattern = 'sdd',
      callback = function(args)
        M.start_treesitter(args.buf)
      end,
    })
  end

  if M.config.lsp then
    setup_lsp(group)
  end

  -- Buffers that were opened before setup() ran.
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.api.nvim_buf_get_name(buf):match('%.sdd$') then
      if vim.bo[buf].filetype ~= 'sdd' then
        vim.bo[buf].filetype = 'sdd' -- fires the FileType autocommands above
      else
        if M.config.treesitter then
          M.start_treesitter(buf)
        end
        if M.config.lsp and lsp_api() ~= 'config' then
          M.attach_lsp(buf)
        end
      end
    end
  end
  return M
end

return M
