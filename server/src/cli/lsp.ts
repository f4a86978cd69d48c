// `litlens lsp --stdio`: the same language server the VS Code client starts over IPC, for any editor.
import { startServer } from '../server';
import { UsageError, parse, type Command } from './args';

const FLAGS = {
  stdio: { type: 'boolean' },
  'node-ipc': { type: 'boolean' },
  socket: { type: 'number', min: 1, max: 65535 },
  pipe: { type: 'string' },
  // Editors may name their process; the server then exits when it is gone.
  clientProcessId: { type: 'number', min: 0, max: 2 ** 31 },
} as const;

export const lsp: Command = {
  summary: 'run the language server (for Neovim, Emacs, Helix… ; VS Code starts it itself)',
  usage: ['--stdio                      speak LSP over stdin/stdout', '--node-ipc | --socket=PORT | --pipe=NAME   [--clientProcessId=PID]'],
  run(args) {
    const { values } = parse(args, FLAGS);
    const transports = [values.stdio, values['node-ipc'], values.socket !== undefined, values.pipe !== undefined].filter(Boolean).length;
    if (transports !== 1) throw new UsageError('say how to talk, once: --stdio, --node-ipc, --socket=PORT or --pipe=NAME');
    // createConnection() reads the transport from process.argv; the server exits on the `exit` notification.
    startServer();
    return new Promise<number>(() => {});
  },
};
