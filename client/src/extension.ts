// Activation only: build the context that owns the server, the consent question for the model
// download, register the commands, start.
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { SemanticConsent } from './consent';
import { LitLensContext, message } from './context';

let ctx: LitLensContext | undefined;

export async function activate(extension: vscode.ExtensionContext): Promise<void> {
  ctx = new LitLensContext(extension);
  const consent = new SemanticConsent(ctx);
  extension.subscriptions.push(ctx, consent, ...registerCommands(ctx, consent));
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
