// Typed, defaulted reads of the `litlens.*` settings the client itself uses.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LANGUAGES, syntaxOf as syntaxOfLanguage, type Syntax } from '../../server/src/documents/syntax';
import { defaultSettings, type Settings } from '../../server/src/protocol';

export const section = 'litlens';

export function isSupported(document: vscode.TextDocument): boolean {
  return (LANGUAGES as readonly string[]).includes(document.languageId);
}

/** 'latex' or 'markdown' citation syntax for a document: the server's own rule. */
export function syntaxOf(document: vscode.TextDocument): Syntax | null {
  return syntaxOfLanguage(document.languageId);
}

/** The whole `litlens` section for a resource, with defaults applied. */
export function settings(scope?: vscode.ConfigurationScope): Settings {
  const c = vscode.workspace.getConfiguration(section, scope);
  return {
    libraries: c.get<string[]>('libraries', defaultSettings.libraries),
    bundledCorpus: c.get<boolean>('bundledCorpus', defaultSettings.bundledCorpus),
    corpora: c.get<string[]>('corpora', defaultSettings.corpora),
    corpusCategories: c.get<string[]>('corpusCategories', defaultSettings.corpusCategories),
    zotero: c.get<string>('zotero', defaultSettings.zotero),
    zoteroCollections: c.get<string[]>('zoteroCollections', defaultSettings.zoteroCollections),
    defaultBibliography: c.get<string>('defaultBibliography', defaultSettings.defaultBibliography),
    maxSuggestions: c.get<number>('maxSuggestions', defaultSettings.maxSuggestions),
    relatedThreshold: c.get<number>('relatedThreshold', defaultSettings.relatedThreshold),
    codeLens: c.get<Settings['codeLens']>('codeLens', defaultSettings.codeLens),
    proseHover: c.get<boolean>('proseHover', defaultSettings.proseHover),
    uncitedClaims: c.get<Settings['uncitedClaims']>('uncitedClaims', defaultSettings.uncitedClaims),
    cacheLimit: c.get<number>('cacheLimit', defaultSettings.cacheLimit),
    embeddings: {
      enabled: c.get<boolean>('embeddings.enabled', defaultSettings.embeddings.enabled),
      model: c.get<string>('embeddings.model', defaultSettings.embeddings.model),
    },
  };
}

/** A model given as a folder path needs no download (the rule the server's `isModelFolder` uses for paths). */
export function isLocalModel(model: string): boolean {
  return path.isAbsolute(model) || model.startsWith('.') || model.startsWith('~');
}

export function maxSuggestions(scope?: vscode.ConfigurationScope): number {
  return settings(scope).maxSuggestions;
}

/** Appends paths to `litlens.libraries` at the folder level when there is a folder, else for the user. */
export async function addLibraries(paths: string[], folder: vscode.WorkspaceFolder | undefined): Promise<string[]> {
  const c = vscode.workspace.getConfiguration(section, folder?.uri);
  const target = folder ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Global;
  const inspected = c.inspect<string[]>('libraries');
  const current = (folder ? inspected?.workspaceFolderValue : inspected?.globalValue) ?? [];
  const added = paths.filter((p) => !current.includes(p));
  if (added.length > 0) await c.update('libraries', [...current, ...added], target);
  return added;
}
