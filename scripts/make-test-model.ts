// Builds LitLens' own small sentence-embedding model, offline, from the bundled corpus, so the
// real transformers.js loading and embedding code runs in tests and CI with no download.
//
// It is a real BERT-shaped model folder (config.json, WordPiece tokenizer.json,
// tokenizer_config.json, onnx/model.onnx): the ONNX graph looks token ids up in a table of word
// vectors (Gather) and masks padding; transformers.js' feature-extraction pipeline does the mean
// pooling and normalisation, as it does for all-MiniLM-L6-v2. The word vectors are latent
// semantic analysis of the corpus (tf-idf, top singular vectors), so words that occur in the same
// papers get similar vectors and a sentence finds papers that use related words, not only its own.
//
//   node --import tsx scripts/make-test-model.ts [OUT_DIR] [--dims N] [--encoder-layers 6]
//   (default OUT_DIR .litlens-cache/test-model)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { onnx } from 'onnx-proto';

export interface TestModelOptions {
  /** Vector size (default 64; at most the number of texts - 2). */
  dims?: number;
  /** Texts to learn the vocabulary and word vectors from (default: the bundled corpus). */
  texts?: string[];
  /**
   * Instead of the LSA lookup: a BERT encoder of this many layers with random weights, sized like
   * all-MiniLM-L6-v2 (384 hidden, 12 heads, 1536 feed-forward). Its vectors mean nothing; it
   * exists to time the real cost of a MiniLM-class model on this machine (bench/semantic.ts).
   */
  encoderLayers?: number;
}

export interface TestModelInfo {
  dir: string;
  dims: number;
  vocabSize: number;
  texts: number;
}

/** Rare-word damping: a word in df papers keeps df / (df + DAMPING) of its vector. */
const DAMPING = 2;
const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const SUFFIXES = ['s', 'es', 'ed', 'ing', 'ly', 'er', 'ers', 'al', 'ion', 'ions', 'ation', 'ations', 'ity', 'ive', 'ness', 'ment'];

/** Title + abstract of every corpus paper: corpus/papers.json when built, else corpus/source.txt. */
export function corpusTexts(root = repoRoot()): string[] {
  const json = join(root, 'corpus', 'papers.json');
  if (existsSync(json)) {
    const data = JSON.parse(readFileSync(json, 'utf8')) as unknown;
    const list = (Array.isArray(data) ? data : (data as { papers?: unknown[] }).papers ?? []) as { title?: string; abstract?: string }[];
    if (list.length > 0) return list.map((p) => `${p.title ?? ''}\n${p.abstract ?? ''}`);
  }
  // source.txt: two header lines, then title / abstract line pairs.
  const lines = readFileSync(join(root, 'corpus', 'source.txt'), 'utf8').split('\n').slice(2);
  const texts: string[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) texts.push(`${lines[i].replace(/^Subscribe/, '')}\n${lines[i + 1]}`);
  return texts;
}

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** What BERT's basic tokenizer does before WordPiece: lowercase, strip accents, split words and punctuation. */
function basicTokens(text: string): string[] {
  const folded = text.toLowerCase().normalize('NFD').replace(/\p{M}+/gu, '');
  return folded.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? [];
}

/** Deterministic PRNG (mulberry32) so the same corpus always gives the same model. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Top-k eigenvectors (columns, row-major n x k) of the symmetric n x n matrix g, by subspace iteration. */
function topEigenvectors(g: Float64Array, n: number, k: number, iterations = 60): Float64Array {
  const random = rng(7);
  let q = new Float64Array(n * k).map(() => random() - 0.5);
  orthonormalize(q, n, k);
  for (let it = 0; it < iterations; it++) {
    const z = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      for (let l = 0; l < n; l++) {
        const gil = g[i * n + l];
        if (gil === 0) continue;
        for (let j = 0; j < k; j++) z[i * k + j] += gil * q[l * k + j];
      }
    }
    orthonormalize(z, n, k);
    q = z;
  }
  return q;
}

function orthonormalize(m: Float64Array, n: number, k: number): void {
  for (let j = 0; j < k; j++) {
    for (let p = 0; p < j; p++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += m[i * k + j] * m[i * k + p];
      for (let i = 0; i < n; i++) m[i * k + j] -= dot * m[i * k + p];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += m[i * k + j] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < n; i++) m[i * k + j] /= norm;
  }
}

/** Word vectors by latent semantic analysis: term vectors X^T U of the tf-idf matrix X = U S V^T. */
function wordVectors(docs: string[][], words: string[], dims: number): Float32Array[] {
  const n = docs.length;
  const index = new Map(words.map((w, i) => [w, i]));
  const df = new Float64Array(words.length);
  const tfs = docs.map((tokens) => {
    const tf = new Map<number, number>();
    for (const t of tokens) {
      const i = index.get(t);
      if (i !== undefined) tf.set(i, (tf.get(i) ?? 0) + 1);
    }
    for (const i of tf.keys()) df[i]++;
    return tf;
  });
  // Rows of X: (1 + log tf) * idf, unit length.
  const rows = tfs.map((tf) => {
    const row = new Map<number, number>();
    let norm = 0;
    for (const [i, c] of tf) {
      const w = (1 + Math.log(c)) * Math.log(n / df[i]);
      if (w > 0) row.set(i, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [i, w] of row) row.set(i, w / norm);
    return row;
  });
  const g = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      let dot = 0;
      const [small, large] = rows[a].size < rows[b].size ? [rows[a], rows[b]] : [rows[b], rows[a]];
      for (const [i, w] of small) dot += w * (large.get(i) ?? 0);
      g[a * n + b] = g[b * n + a] = dot;
    }
  }
  // The first singular vector is what all papers share (the corpus' "average topic"); dropping
  // it keeps off-topic text near cosine 0 instead of near the corpus mean.
  const k = dims + 1;
  const u = topEigenvectors(g, n, k);
  const out = words.map(() => new Float32Array(dims));
  rows.forEach((row, d) => {
    for (const [i, w] of row) for (let j = 0; j < dims; j++) out[i][j] += w * u[d * k + j + 1];
  });
  // A word seen in one or two papers points straight at them; damp it so that an everyday word
  // that happens to occur once ("yesterday") does not make a passage look on-topic.
  out.forEach((v, i) => {
    const damp = df[i] / (df[i] + DAMPING);
    for (let j = 0; j < dims; j++) v[j] *= damp;
  });
  return out;
}

function tensor(name: string, dims: number[], dataType: onnx.TensorProto.DataType, raw: ArrayBufferView): onnx.ITensorProto {
  return { name, dims, dataType, rawData: new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength) };
}

function valueInfo(name: string, elemType: onnx.TensorProto.DataType, shape: (string | number)[]): onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

/** input_ids / attention_mask / token_type_ids -> last_hidden_state = (E[ids] + T[types]) * mask. */
function onnxModel(embeddings: Float32Array, vocabSize: number, dims: number): Uint8Array {
  const { FLOAT, INT64 } = onnx.TensorProto.DataType;
  const graph: onnx.IGraphProto = {
    name: 'litlens-test-encoder',
    initializer: [
      tensor('word_embeddings', [vocabSize, dims], FLOAT, embeddings),
      tensor('token_type_embeddings', [2, dims], FLOAT, new Float32Array(2 * dims)),
      tensor('last_axis', [1], INT64, new BigInt64Array([-1n])),
    ],
    input: [
      valueInfo('input_ids', INT64, ['batch_size', 'sequence_length']),
      valueInfo('attention_mask', INT64, ['batch_size', 'sequence_length']),
      valueInfo('token_type_ids', INT64, ['batch_size', 'sequence_length']),
    ],
    output: [valueInfo('last_hidden_state', FLOAT, ['batch_size', 'sequence_length', dims])],
    node: [
      { opType: 'Gather', input: ['word_embeddings', 'input_ids'], output: ['words'], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] },
      { opType: 'Gather', input: ['token_type_embeddings', 'token_type_ids'], output: ['types'], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] },
      { opType: 'Add', input: ['words', 'types'], output: ['summed'] },
      { opType: 'Cast', input: ['attention_mask'], output: ['mask'], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT }] },
      { opType: 'Unsqueeze', input: ['mask', 'last_axis'], output: ['mask3'] },
      { opType: 'Mul', input: ['summed', 'mask3'], output: ['last_hidden_state'] },
    ],
  };
  const model: onnx.IModelProto = {
    irVersion: 8,
    producerName: 'litlens make-test-model',
    opsetImport: [{ domain: '', version: 14 }],
    graph,
  };
  return onnx.ModelProto.encode(model).finish();
}

function tokenizerJson(vocab: Map<string, number>, maxLength: number): unknown {
  const special = (token: string) => ({ id: vocab.get(token), content: token, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const tok = (token: string) => ({ id: token, ids: [vocab.get(token)], tokens: [token] });
  return {
    version: '1.0',
    truncation: { direction: 'Right', max_length: maxLength, strategy: 'LongestFirst', stride: 0 },
    padding: null,
    added_tokens: SPECIALS.map(special),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': tok('[CLS]'), '[SEP]': tok('[SEP]') },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab) },
  };
}

/** A random-weight BERT encoder (opset 17): embeddings + LayerNorm, then `layers` x (self-attention, GELU FFN). */
function encoderOnnxModel(vocabSize: number, layers: number, maxLength: number): Uint8Array {
  const { FLOAT, INT64 } = onnx.TensorProto.DataType;
  const INT = onnx.AttributeProto.AttributeType.INT;
  const INTS = onnx.AttributeProto.AttributeType.INTS;
  const FLOATA = onnx.AttributeProto.AttributeType.FLOAT;
  const hidden = 384;
  const heads = 12;
  const ffn = 1536;
  const random = rng(3);
  const normal = (n: number, scale: number) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = (random() + random() + random() - 1.5) * scale;
    return a;
  };
  const init: onnx.ITensorProto[] = [];
  const nodes: onnx.INodeProto[] = [];
  const weight = (name: string, dims: number[], data: Float32Array) => (init.push(tensor(name, dims, FLOAT, data)), name);
  const ints = (name: string, values: number[]) => (init.push(tensor(name, [values.length], INT64, new BigInt64Array(values.map(BigInt)))), name);
  const scalar = (name: string, v: number) => (init.push(tensor(name, [], FLOAT, new Float32Array([v]))), name);
  let counter = 0;
  const node = (opType: string, input: string[], attribute: onnx.IAttributeProto[] = []) => {
    const out = `${opType.toLowerCase()}_${counter++}`;
    nodes.push({ opType, input, output: [out], attribute });
    return out;
  };
  const layerNorm = (x: string, prefix: string) =>
    node('LayerNormalization', [x, weight(`${prefix}.gamma`, [hidden], new Float32Array(hidden).fill(1)), weight(`${prefix}.beta`, [hidden], new Float32Array(hidden))], [{ name: 'axis', type: INT, i: -1 }, { name: 'epsilon', type: FLOATA, f: 1e-12 }]);
  const linear = (x: string, prefix: string, inDim: number, outDim: number) =>
    node('Add', [node('MatMul', [x, weight(`${prefix}.weight`, [inDim, outDim], normal(inDim * outDim, 0.04))]), weight(`${prefix}.bias`, [outDim], new Float32Array(outDim))]);

  // Embeddings: word + position + token type, then LayerNorm.
  const int0d = (name: string, v: number) => (init.push(tensor(name, [], INT64, new BigInt64Array([BigInt(v)]))), name);
  const seqLen = node('Gather', [node('Shape', ['input_ids']), int0d('one_i', 1)], [{ name: 'axis', type: INT, i: 0 }]);
  const range = node('Range', [int0d('zero_i', 0), seqLen, 'one_i']);
  let x = node('Add', [
    node('Add', [node('Gather', [weight('word_embeddings', [vocabSize, hidden], normal(vocabSize * hidden, 0.1)), 'input_ids'], [{ name: 'axis', type: INT, i: 0 }]), node('Gather', [weight('position_embeddings', [maxLength, hidden], normal(maxLength * hidden, 0.1)), range], [{ name: 'axis', type: INT, i: 0 }])]),
    node('Gather', [weight('token_type_embeddings', [2, hidden], normal(2 * hidden, 0.1)), 'token_type_ids'], [{ name: 'axis', type: INT, i: 0 }]),
  ]);
  x = layerNorm(x, 'embeddings.ln');
  // Additive mask: 0 where attended, -10000 on padding, shaped [batch, 1, 1, seq].
  const maskF = node('Cast', ['attention_mask'], [{ name: 'to', type: INT, i: FLOAT }]);
  const maskBias = node('Unsqueeze', [node('Mul', [node('Sub', [scalar('one_f', 1), maskF]), scalar('minus_big', -10000)]), ints('axes12', [1, 2])]);
  const headShape = ints('head_shape', [0, 0, heads, hidden / heads]);
  const mergeShape = ints('merge_shape', [0, 0, hidden]);
  const scale = scalar('attn_scale', 1 / Math.sqrt(hidden / heads));
  for (let l = 0; l < layers; l++) {
    const p = `layer${l}`;
    const split = (name: string, perm: number[]) => node('Transpose', [node('Reshape', [linear(x, `${p}.${name}`, hidden, hidden), headShape])], [{ name: 'perm', type: INTS, ints: perm }]);
    const q = split('query', [0, 2, 1, 3]);
    const k = split('key', [0, 2, 3, 1]);
    const v = split('value', [0, 2, 1, 3]);
    const probs = node('Softmax', [node('Add', [node('Mul', [node('MatMul', [q, k]), scale]), maskBias])], [{ name: 'axis', type: INT, i: -1 }]);
    const context = node('Reshape', [node('Transpose', [node('MatMul', [probs, v])], [{ name: 'perm', type: INTS, ints: [0, 2, 1, 3] }]), mergeShape]);
    x = layerNorm(node('Add', [x, linear(context, `${p}.attn_out`, hidden, hidden)]), `${p}.ln1`);
    const h = linear(x, `${p}.ffn_in`, hidden, ffn);
    // GELU(h) = 0.5 h (1 + erf(h / sqrt 2))
    const gelu = node('Mul', [node('Mul', [h, scalar(`${p}.half`, 0.5)]), node('Add', [node('Erf', [node('Mul', [h, scalar(`${p}.rsqrt2`, Math.SQRT1_2)])]), scalar(`${p}.one`, 1)])]);
    x = layerNorm(node('Add', [x, linear(gelu, `${p}.ffn_out`, ffn, hidden)]), `${p}.ln2`);
  }
  nodes.push({ opType: 'Identity', input: [x], output: ['last_hidden_state'] });
  const graph: onnx.IGraphProto = {
    name: 'litlens-timing-encoder',
    initializer: init,
    input: [
      valueInfo('input_ids', INT64, ['batch_size', 'sequence_length']),
      valueInfo('attention_mask', INT64, ['batch_size', 'sequence_length']),
      valueInfo('token_type_ids', INT64, ['batch_size', 'sequence_length']),
    ],
    output: [valueInfo('last_hidden_state', FLOAT, ['batch_size', 'sequence_length', hidden])],
    node: nodes,
  };
  return onnx.ModelProto.encode({ irVersion: 8, producerName: 'litlens make-test-model', opsetImport: [{ domain: '', version: 17 }], graph }).finish();
}

/** Writes the model folder into `dir` (created if needed). Takes well under a second for the corpus. */
export function buildTestModel(dir: string, options: TestModelOptions = {}): TestModelInfo {
  const texts = options.texts ?? corpusTexts();
  const docs = texts.map(basicTokens);
  const dims = Math.max(2, Math.min(options.dims ?? 64, texts.length - 2));
  const counts = new Map<string, number>();
  for (const tokens of docs) for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  // Words of two characters or more carry meaning; "i", "a" and digits are pieces like punctuation.
  const words = [...counts.keys()].filter((w) => w.length > 1 && /[\p{L}\p{N}]/u.test(w)).sort();
  // Every single character, alone and as a continuation, so WordPiece never needs [UNK].
  const chars = new Set<string>();
  for (let c = 33; c < 127; c++) chars.add(String.fromCharCode(c));
  for (const w of counts.keys()) for (const ch of w) chars.add(ch);
  const pieces = [...new Set([...[...chars].sort(), ...[...chars].sort().map((c) => `##${c}`), ...SUFFIXES.map((s) => `##${s}`)])];
  const vocabList = [...SPECIALS, ...pieces, ...words];
  const vocab = new Map<string, number>();
  for (const token of vocabList) if (!vocab.has(token)) vocab.set(token, vocab.size);

  const vectors = wordVectors(docs, words, dims);
  const table = new Float32Array(vocab.size * dims);
  words.forEach((w, i) => table.set(vectors[i], vocab.get(w)! * dims));
  // Pieces, punctuation and [CLS]/[SEP] carry almost no meaning: tiny random vectors (never all
  // zero, so an empty text still normalises).
  let meanNorm = 0;
  for (const v of vectors) meanNorm += Math.hypot(...v) / vectors.length;
  const random = rng(11);
  for (const [token, id] of vocab) {
    if (token === '[PAD]' || (token.length > 1 && counts.has(token) && /[\p{L}\p{N}]/u.test(token))) continue;
    for (let j = 0; j < dims; j++) table[id * dims + j] = (random() - 0.5) * 0.02 * meanNorm;
  }

  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const maxLength = 256;
  const encoder = options.encoderLayers ?? 0;
  writeFileSync(join(dir, 'onnx', 'model.onnx'), encoder > 0 ? encoderOnnxModel(vocab.size, encoder, maxLength) : onnxModel(table, vocab.size, dims));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab, maxLength)));
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify(
      { tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: maxLength, cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]', mask_token: '[MASK]', clean_up_tokenization_spaces: true },
      null,
      2,
    ),
  );
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify(
      {
        model_type: 'bert',
        architectures: ['BertModel'],
        hidden_size: encoder > 0 ? 384 : dims,
        vocab_size: vocab.size,
        max_position_embeddings: maxLength,
        num_hidden_layers: encoder,
        num_attention_heads: encoder > 0 ? 12 : 1,
        type_vocab_size: 2,
        litlens: {
          note: encoder > 0 ? 'LitLens timing model: MiniLM-sized encoder with random weights (vectors are meaningless)' : 'LitLens test model: LSA word vectors of the bundled corpus, mean pooled',
          texts: texts.length,
        },
      },
      null,
      2,
    ),
  );
  return { dir, dims: encoder > 0 ? 384 : dims, vocabSize: vocab.size, texts: texts.length };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const dimsAt = args.indexOf('--dims');
  const dims = dimsAt >= 0 ? Number(args.splice(dimsAt, 2)[1]) : undefined;
  const layersAt = args.indexOf('--encoder-layers');
  const encoderLayers = layersAt >= 0 ? Number(args.splice(layersAt, 2)[1]) : undefined;
  const out = resolve(args[0] ?? join(repoRoot(), '.litlens-cache', 'test-model'));
  const started = Date.now();
  const info = buildTestModel(out, { dims, encoderLayers });
  process.stdout.write(`${JSON.stringify({ ...info, seconds: (Date.now() - started) / 1000 })}\n`);
}
