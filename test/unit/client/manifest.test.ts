// package.json says again what the code says once: the languages LitLens serves and the settings'
// defaults. These tests keep the two in step.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LANGUAGES } from '../../../server/src/documents/syntax';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));

describe('package.json', () => {
  it('activates on, and offers its editor commands in, exactly the languages the client serves', () => {
    const activation = (manifest.activationEvents as string[]).filter((e) => e.startsWith('onLanguage:')).map((e) => e.slice('onLanguage:'.length));
    assert.deepEqual(activation, [...LANGUAGES]);
    const contributes = manifest.contributes;
    const whens: string[] = [...Object.values(contributes.menus as Record<string, { when?: string }[]>).flat(), ...contributes.keybindings].map((m) => m.when ?? '');
    const lists = whens.flatMap((w) => [...w.matchAll(/editorLangId =~ \/\^\(([^)]*)\)\$\//g)].map((m) => m[1]!.split('|')));
    assert.ok(lists.length >= 5, `when clauses naming languages: ${lists.length}`);
    for (const list of lists) assert.deepEqual(list, [...LANGUAGES]);
  });
});
