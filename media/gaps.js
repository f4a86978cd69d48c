//@ts-check
// The gap report panel's script (client/src/gapsPanel.ts): renders the rows it is sent, with DOM
// nodes only (never HTML strings), and sends back which action was chosen.
(function () {
  /** @typedef {import('../client/src/gapsMessages').FromGaps} FromGaps */
  /** @typedef {import('../client/src/gapsMessages').ToGaps} ToGaps */
  /** @typedef {import('../client/src/gapsMessages').GapRow} GapRow */

  // @ts-ignore acquireVsCodeApi is provided by the webview host.
  const vscode = acquireVsCodeApi();
  /** @param {FromGaps} message */
  const send = (message) => vscode.postMessage(message);
  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const list = $('results');
  const summary = $('summary');
  const notice = $('notice');
  const explain = $('explain');

  function textButton(/** @type {string} */ label, /** @type {string} */ aria, /** @type {() => void} */ action) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.setAttribute('aria-label', aria);
    b.addEventListener('click', (e) => {
      e.stopPropagation();
      action();
    });
    return b;
  }

  /** @param {GapRow[]} rows */
  function render(rows) {
    list.replaceChildren();
    rows.forEach((r, i) => {
      const li = document.createElement('li');
      li.className = 'result';
      li.dataset.key = r.key;
      const body = document.createElement('div');
      body.className = 'body';
      const title = document.createElement('div');
      title.className = 'title';
      title.textContent = r.title;
      const meta = document.createElement('div');
      meta.className = 'meta';
      const about = [r.authorsText, r.year ? String(r.year) : '', r.venue || ''].filter(Boolean).join(', ');
      if (about) meta.append(`${about} · `);
      const key = document.createElement('code');
      key.textContent = r.key;
      meta.append(key, ` · ${r.source} · score ${r.score.toFixed(2)}`);
      const where = document.createElement('a');
      where.href = '#';
      where.className = 'meta';
      where.textContent = `${r.section ? `§ ${r.section}, ` : ''}line ${r.passage.start.line + 1}`;
      where.addEventListener('click', (e) => {
        e.preventDefault();
        send({ type: 'reveal', index: i });
      });
      body.append(title, meta, where);
      if (r.abstract) {
        const abs = document.createElement('div');
        abs.className = 'abstract';
        abs.textContent = r.abstract.length > 400 ? `${r.abstract.slice(0, 400)}…` : r.abstract;
        body.append(abs);
      }
      const actions = document.createElement('div');
      actions.className = 'actions';
      actions.append(
        textButton('Cite it there', `Cite ${r.title} in the paragraph at line ${r.passage.start.line + 1}`, () => send({ type: 'cite', index: i })),
        textButton('Copy BibTeX', `Copy the BibTeX entry of ${r.title}`, () => send({ type: 'copyBibtex', key: r.key })),
      );
      if (r.file) actions.append(textButton('Open entry', `Open the entry of ${r.title}`, () => send({ type: 'openEntry', file: r.file, line: r.line })));
      li.append(body, actions);
      list.append(li);
    });
  }

  window.addEventListener('message', (/** @type {MessageEvent<ToGaps>} */ event) => {
    const m = event.data;
    if (m.type === 'gaps') {
      render(m.rows);
      explain.hidden = m.rows.length === 0;
      notice.hidden = true;
      summary.textContent = m.error ?? (m.rows.length ? `${m.rows.length} uncited paper${m.rows.length === 1 ? '' : 's'} close to ${m.title}` : `Every paper close to ${m.title} is cited.`);
      vscode.setState({ title: m.title });
    } else if (m.type === 'notice') {
      notice.textContent = m.text;
      notice.className = `notice ${m.kind}`;
      notice.hidden = false;
    }
  });
  send({ type: 'ready' });
})();
