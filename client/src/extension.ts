// Activation only: build the context that owns the server, register the commands, start.
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { LitLensContext, message } from './context';

let ctx: LitLensContext | undefined;

export async function activate(extension: vscode.ExtensionContext): Promise<void> {
  ctx = new LitLensContext(extension);
  extension.subscriptions.push(ctx, ...registerCommands(ctx));
  try {
    await ctx.start();
  } catch (err) {
    // Loud at activation: shown and logged (start() already reports its own failures).
    ctx.output.error(`Activation failed: ${message(err)}`);
    void vscode.window.showErrorMessage(`LitLens could not start: ${message(err)}`, 'Show Output').then((c) => c && ctx?.output.show());
  }
}

export async function deactivate(): Promise<void> {
  await ctx?.stop();
  ctx = undefined;
}
