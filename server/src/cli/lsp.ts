// `litlens lsp --stdio`: the same language server the VS Code client starts over IPC, for any editor.
import type { Command } from './args';
import { startServer } from '../server';

export const lsp: Command = {
  summary: 'run the language server (for Neovim, Emacs, Helix… ; VS Code starts it itself)',
  usage: ['--stdio                      speak LSP over stdin/stdout', '--node-ipc | --socket=PORT | --pipe=NAME'],
  run(args) {
    if (!args.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe'))) {
      process.stderr.write('litlens lsp: say how to talk: --stdio (or --node-ipc, --socket=PORT, --pipe=NAME)\n');
      return Promise.resolve(2);
    }
    // createConnection() reads the transport from process.argv; the server exits on the `exit` notification.
    startServer();
    return new Promise<number>(() => {});
  },
};
