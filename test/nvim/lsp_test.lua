-- Drives LitLens from Neovim 0.7 as docs/editors.md's snippet sets it up (loaded before this file with -u):
-- opens a LaTeX file, waits for the server's ready status and the code lenses the snippet's
-- on_attach asks for, then asks for a hover and a completion.
-- Inputs (environment): LITLENS_FILE, LITLENS_OUT. Writes a JSON report to LITLENS_OUT and exits 0,
-- or exits 1 with the error in the report.
local env = vim.env
local report = { errors = {} }

local function finish(code)
  local f = io.open(env.LITLENS_OUT, 'w')
  f:write(vim.fn.json_encode(report))
  f:close()
  vim.cmd((code == 0) and 'qall!' or 'cquit 1')
end

-- Errors Neovim shows the user (0.7.2 says "method textDocument/codeLens is not supported…" this way).
local notify = vim.notify
vim.notify = function(msg, level, opts)
  if level and level >= vim.log.levels.WARN then table.insert(report.errors, tostring(msg)) end
  return notify(msg, level, opts)
end

local function position_of(buf, needle, delta)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local s = string.find(line, needle, 1, true)
    if s then return { line = i - 1, character = s - 1 + (delta or 0) } end
  end
  error('not in the buffer: ' .. needle)
end

local ok, err = pcall(function()
  local status = nil
  vim.lsp.handlers['litlens/status'] = function(_, result) status = result end
  vim.cmd('edit ' .. vim.fn.fnameescape(env.LITLENS_FILE))
  local buf = vim.api.nvim_get_current_buf()
  report.filetype = vim.bo[buf].filetype
  local client = nil
  assert(vim.wait(10000, function()
    client = vim.lsp.get_active_clients()[1]
    return client ~= nil
  end, 20), 'the snippet started no client for filetype ' .. report.filetype)
  report.client = client.name
  assert(vim.wait(30000, function() return status ~= nil and status.state == 'ready' end, 20), 'no ready status from the server')
  report.status = status

  -- The lenses on_attach asked for, resolved (no BufEnter or InsertLeave has happened since).
  assert(vim.wait(20000, function()
    for _, lens in ipairs(vim.lsp.codelens.get(buf)) do
      if lens.command and lens.command.title ~= '' then return true end
    end
    return false
  end, 20), 'no resolved code lens')
  report.lenses = {}
  for _, lens in ipairs(vim.lsp.codelens.get(buf)) do table.insert(report.lenses, lens.command and lens.command.title or '') end

  local uri = vim.uri_from_bufnr(buf)
  local hover = vim.lsp.buf_request_sync(buf, 'textDocument/hover',
    { textDocument = { uri = uri }, position = position_of(buf, '\\cite{mastering-atari-go}', 10) }, 5000)
  assert(hover and hover[client.id], 'no hover answer')
  assert(not hover[client.id].err, vim.inspect(hover[client.id].err))
  report.hover = hover[client.id].result

  local completion = vim.lsp.buf_request_sync(buf, 'textDocument/completion',
    { textDocument = { uri = uri }, position = position_of(buf, '\\cite{}', 6) }, 5000)
  assert(completion and completion[client.id], 'no completion answer')
  assert(not completion[client.id].err, vim.inspect(completion[client.id].err))
  local list = completion[client.id].result
  report.completion = { isIncomplete = list.isIncomplete, labels = {}, words = {} }
  for _, item in ipairs(list.items or list) do table.insert(report.completion.labels, item.label) end
  -- What Neovim's own completion would insert (its `word`) and show (its `abbr`).
  for _, item in ipairs(vim.lsp.util.text_document_completion_list_to_complete_items(list, '')) do
    table.insert(report.completion.words, item.word)
  end

  vim.lsp.stop_client(client.id)
  vim.wait(3000, function() return vim.lsp.get_client_by_id(client.id) == nil end, 20)
end)

if not ok then
  report.error = tostring(err)
  finish(1)
else
  finish(0)
end
