// Semantic search needs a model, and a model id means a download: LitLens asks once before it
// fetches anything, remembers the answer, and shows the download until it is done or fails.
import * as vscode from 'vscode';
import { defaultSettings } from '../../server/src/protocol';
import { isLocalModel, section, settings } from './config';
import { embeddingText, type LitLensContext } from './context';

/** globalState key: the user's answer, so the question is asked once (not per workspace). */
export const CONSENT_KEY = 'litlens.semanticSearch.consent';
/** "Not now" is asked again after this long; "Never" is not asked again (the command still can). */
const NOT_NOW_MS = 30 * 24 * 60 * 60_000;
/** Stop waiting for the server to take up the setting after this long (it logs why it did not). */
const TAKE_UP_MS = 20_000;

interface Answer {
  answer: 'download' | 'later' | 'never';
  at: number;
}

const DOWNLOAD = 'Download';
const NOT_NOW = 'Not now';
const NEVER = 'Never';

export class SemanticConsent implements vscode.Disposable {
  /** Asked in this session (or the question is on screen): a status update never asks twice. */
  private asked = false;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly ctx: LitLensContext) {
    // After the server is ready, not during activation: the question never competes with indexing.
    this.subscription = ctx.onDidChangeStatus((status) => {
      if (status?.state === 'ready' && !this.asked && this.shouldAsk()) void this.ask();
    });
  }

  dispose(): void {
    this.subscription.dispose();
  }

  /** Asks unless the workspace is untrusted, the build has no runtime, semantic search is on, the
   * model is a local folder, or the user already answered (Download / Never; Not now for 30 days). */
  private shouldAsk(): boolean {
    if (!vscode.workspace.isTrusted || !this.ctx.hasSemanticRuntime()) return false;
    const { enabled, model } = settings().embeddings;
    if (enabled || isLocalModel(model)) return false;
    const previous = this.ctx.extension.globalState.get<Answer>(CONSENT_KEY);
    if (!previous) return true;
    return previous.answer === 'later' && Date.now() - previous.at > NOT_NOW_MS;
  }

  /** The question, as a non-modal notification; closing it without an answer remembers nothing. */
  async ask(): Promise<void> {
    this.asked = true;
    const { model } = settings().embeddings;
    const what = model === defaultSettings.embeddings.model ? `a ~25 MB model (${model})` : `the model ${model}`;
    const choice = await vscode.window.showInformationMessage(
      `LitLens can download ${what} once, to find related papers by meaning. Nothing else leaves your machine.`,
      DOWNLOAD,
      NOT_NOW,
      NEVER,
    );
    if (!choice) return;
    const answer: Answer['answer'] = choice === DOWNLOAD ? 'download' : choice === NEVER ? 'never' : 'later';
    await this.ctx.extension.globalState.update(CONSENT_KEY, { answer, at: Date.now() } satisfies Answer);
    this.ctx.output.info(`Semantic search: the user answered "${choice}" to downloading ${model}.`);
    if (choice === DOWNLOAD) await this.turnOn();
  }

  /** "LitLens: Enable Semantic Search": a local folder is turned on at once; a model id asks again. */
  async enable(): Promise<void> {
    const { enabled, model } = settings().embeddings;
    if (enabled) {
      const e = this.ctx.status?.embeddings;
      if (e?.state === 'failed') {
        const choice = await vscode.window.showWarningMessage(`LitLens: semantic search is on but could not start: ${e.message ?? 'unknown error'}`, 'Retry', 'Show Output');
        if (choice === 'Retry') await this.ctx.restart();
        else if (choice === 'Show Output') this.ctx.output.show();
      } else {
        void vscode.window.showInformationMessage(`LitLens: semantic search is already on (${model}: ${e ? embeddingText(e) : 'starting'}).`);
      }
      return;
    }
    if (!this.ctx.hasSemanticRuntime()) {
      void vscode.window.showWarningMessage(`LitLens: ${this.ctx.semanticRuntimeMissing()}.`);
      return;
    }
    if (isLocalModel(model)) await this.turnOn();
    else await this.ask();
  }

  /** Sets litlens.embeddings.enabled for the user and follows the server's model status. */
  private async turnOn(): Promise<void> {
    await vscode.workspace.getConfiguration(section).update('embeddings.enabled', true, vscode.ConfigurationTarget.Global);
    if (!settings().embeddings.enabled) {
      // A workspace setting says false and wins over the user setting.
      void vscode.window.showWarningMessage('LitLens: semantic search is turned on for you, but this workspace\'s settings turn it off (litlens.embeddings.enabled).');
      return;
    }
    await this.follow();
  }

  /** A progress notification while the model loads (downloads) and the library is embedded. */
  private follow(): Thenable<void> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'LitLens semantic search' }, (progress) =>
      new Promise<void>((resolve) => {
        /** The server has taken up the setting (a state other than 'off'). */
        let seen = false;
        const finish = (after?: () => void) => {
          subscription.dispose();
          clearTimeout(timer);
          resolve();
          after?.();
        };
        const timer = setTimeout(() => {
          if (!seen) finish(() => this.ctx.output.warn('Semantic search: the server did not start loading the model.'));
        }, TAKE_UP_MS);
        const subscription = this.ctx.onDidChangeStatus((status) => {
          const e = status?.embeddings;
          if (!e) return finish(); // the server stopped; its own message says so
          if (e.state === 'off') return seen ? finish() : undefined; // off again: turned off meanwhile
          seen = true;
          if (e.state === 'ready') finish(() => vscode.window.setStatusBarMessage('$(sparkle) LitLens: semantic search is on', 5000));
          else if (e.state === 'failed') finish(() => void this.reportFailure(e.message));
          else progress.report({ message: embeddingText(e) });
        });
        progress.report({ message: 'starting…' });
      }),
    );
  }

  private async reportFailure(why = 'unknown error'): Promise<void> {
    this.ctx.output.warn(`Semantic search failed: ${why}`);
    const choice = await vscode.window.showWarningMessage(`LitLens: semantic search could not start: ${why}. Search stays keyword-based.`, 'Show Output');
    if (choice) this.ctx.output.show();
  }
}
