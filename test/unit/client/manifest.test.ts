// package.json says again what the code says once: the languages LitLens serves and the settings'
// defaults. These tests keep the two in step.
import { strict as assert } from 'node:assert';
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LANGUAGES } from '../../../server/src/documents/syntax';
import { defaultSettings } from '../../../server/src/protocol';

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

  it('gives every setting the default protocol.ts gives it, and no setting protocol.ts lacks', () => {
    const properties = manifest.contributes.configuration.properties as Record<string, { default: unknown }>;
    const flat: Record<string, unknown> = {};
    const flatten = (prefix: string, value: object) => {
      for (const [k, v] of Object.entries(value)) {
        if (v && typeof v === 'object' && !Array.isArray(v)) flatten(`${prefix}${k}.`, v);
        else flat[`${prefix}${k}`] = v;
      }
    };
    flatten('litlens.', defaultSettings);
    assert.deepEqual(Object.fromEntries(Object.entries(properties).map(([k, p]) => [k, p.default])), flat);
  });

  it('restricts in an untrusted workspace the settings that name files to read or write', () => {
    const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations as string[];
    for (const name of ['litlens.libraries', 'litlens.corpora', 'litlens.defaultBibliography']) assert.ok(restricted.includes(name), name);
  });

  it('bundles into the client only the server modules written to be shared with it', async () => {
    const result = await esbuild.build({ entryPoints: [join(__dirname, '..', '..', '..', 'client', 'src', 'extension.ts')], bundle: true, platform: 'node', external: ['vscode'], write: false, metafile: true, logLevel: 'silent' });
    const server = Object.keys(result.metafile.inputs).filter((f) => f.startsWith('server/'));
    assert.deepEqual(server.sort(), ['server/src/display.ts', 'server/src/documents/citationText.ts', 'server/src/documents/syntax.ts', 'server/src/protocol.ts']);
  });
});
