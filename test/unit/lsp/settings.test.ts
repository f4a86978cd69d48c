import { strict as assert } from 'node:assert';
import { defaultSettings } from '../../../server/src/protocol';
import { SettingsStore, settingsFromInitializationOptions, toSettings } from '../../../server/src/lsp/settings';

describe('settings', () => {
  it('fills defaults and ignores values of the wrong type', () => {
    assert.deepEqual(toSettings(undefined), defaultSettings);
    assert.deepEqual(toSettings({ maxSuggestions: 'many', codeLens: 'sometimes', libraries: 'x.bib' }), defaultSettings);
    const s = toSettings({ maxSuggestions: 5000, relatedThreshold: -1, codeLens: 'section', libraries: ['a.bib', 3, ''], embeddings: { enabled: true } });
    assert.equal(s.maxSuggestions, 200);
    assert.equal(s.relatedThreshold, 0);
    assert.equal(s.codeLens, 'section');
    assert.deepEqual(s.libraries, ['a.bib']);
    assert.deepEqual(s.embeddings, { enabled: true, model: defaultSettings.embeddings.model });
  });

  it('reads the corpora and their category filter as lists of strings', () => {
    assert.deepEqual(toSettings({ corpora: 'arxiv.json', corpusCategories: 'cs.LG' }), defaultSettings);
    const s = toSettings({ corpora: ['~/arxiv.json', 7, ' '], corpusCategories: [' cs.LG', 'stat.ML', 'cs.LG', null] });
    assert.deepEqual(s.corpora, ['~/arxiv.json']);
    assert.deepEqual(s.corpusCategories, ['cs.LG', 'stat.ML']);
  });

  it('reads initializationOptions with or without the litlens section', () => {
    assert.equal(settingsFromInitializationOptions({ litlens: { bundledCorpus: false } }).bundledCorpus, false);
    assert.equal(settingsFromInitializationOptions({ bundledCorpus: false }).bundledCorpus, false);
    assert.equal(settingsFromInitializationOptions(null).bundledCorpus, true);
  });

  it('asks the client once per resource and forgets on change', async () => {
    const asked: (string | undefined)[] = [];
    let threshold = 0.5;
    const store = new SettingsStore(defaultSettings, async (uri) => {
      asked.push(uri);
      return { relatedThreshold: threshold };
    });
    assert.equal((await store.forResource('file:///a.tex')).relatedThreshold, 0.5);
    await store.forResource('file:///a.tex');
    await store.workspace();
    assert.deepEqual(asked, ['file:///a.tex', undefined]);
    threshold = 0.7;
    store.changed(undefined);
    assert.equal((await store.forResource('file:///a.tex')).relatedThreshold, 0.7);
  });

  it('without workspace/configuration, uses pushed settings; a failing client falls back', async () => {
    const store = new SettingsStore(toSettings({ maxSuggestions: 7 }), undefined);
    assert.equal((await store.forResource('file:///x.md')).maxSuggestions, 7);
    store.changed({ litlens: { maxSuggestions: 9 } });
    assert.equal((await store.forResource('file:///x.md')).maxSuggestions, 9);
    const failing = new SettingsStore(toSettings({ maxSuggestions: 4 }), () => Promise.reject(new Error('no')));
    assert.equal((await failing.forResource('file:///x.md')).maxSuggestions, 4);
  });
});
