-- Drives `litlens lsp --stdio` from Neovim 0.7 (no vim.lsp.start there: start_client + buf_attach_client).
-- Inputs (environment): LITLENS_NODE, LITLENS_CLI, LITLENS_ROOT, LITLENS_FILE, LITLENS_OUT.
-- Writes a JSON report to LITLENS_OUT and exits 0, or exits 1 with the error in the report.
local env = vim.env
local report = { steps = {} }

local function finish(code)
  local f = io.open(env.LITLENS_OUT, 'w')
  f:write(vim.fn.json_encode(report))
  f:close()
  vim.cmd((code == 0) and 'qall!' or 'cquit 1')
end

local function position_of(buf, needle, delta)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local s = string.find(line, needle, 1, true)
    if s then return { line = i - 1, character = s - 1 + (delta or 0) } end
  end
  error('not in the buffer: ' .. needle)
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(env.LITLENS_FILE))
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = 'tex'
  local status = nil
  local client_id = vim.lsp.start_client({
    name = 'litlens',
    cmd = { env.LITLENS_NODE, env.LITLENS_CLI, 'lsp', '--stdio' },
    root_dir = env.LITLENS_ROOT,
    workspace_folders = { { uri = vim.uri_from_fname(env.LITLENS_ROOT), name = 'fixture' } },
    -- Neovim 0.7 does not announce workspace/configuration: settings go in init_options.
    init_options = { cacheDir = vim.NIL, litlens = { maxSuggestions = 8 } },
    handlers = {
      ['litlens/status'] = function(_, result) status = result end,
    },
  })
  assert(client_id, 'start_client failed')
  vim.lsp.buf_attach_client(buf, client_id)
  local ready = vim.wait(30000, function() return status ~= nil and status.state == 'ready' end, 20)
  assert(ready, 'no ready status from the server')
  report.status = status
  local uri = vim.uri_from_bufnr(buf)

  local hover = vim.lsp.buf_request_sync(buf, 'textDocument/hover',
    { textDocument = { uri = uri }, position = position_of(buf, '\\cite{mastering-atari-go}', 10) }, 5000)
  assert(hover and hover[client_id], 'no hover answer')
  assert(not hover[client_id].err, vim.inspect(hover[client_id].err))
  report.hover = hover[client_id].result

  local completion = vim.lsp.buf_request_sync(buf, 'textDocument/completion',
    { textDocument = { uri = uri }, position = position_of(buf, '\\cite{}', 6) }, 5000)
  assert(completion and completion[client_id], 'no completion answer')
  assert(not completion[client_id].err, vim.inspect(completion[client_id].err))
  local list = completion[client_id].result
  report.completion = { isIncomplete = list.isIncomplete, labels = {} }
  for _, item in ipairs(list.items or list) do table.insert(report.completion.labels, item.label) end

  vim.lsp.stop_client(client_id)
  vim.wait(3000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 20)
end)

if not ok then
  report.error = tostring(err)
  finish(1)
else
  finish(0)
end
