//@ts-check
// The LitLens search panel's script. Talks to client/src/searchPanel.ts only through the typed
// messages in client/src/panelMessages.ts; keeps its query and results with vscode.setState.
(function () {
  /** @typedef {import('../client/src/panelMessages').FromPanel} FromPanel */
  /** @typedef {import('../client/src/panelMessages').ToPanel} ToPanel */
  /** @typedef {import('../client/src/panelMessages').PanelState} PanelState */

  // @ts-ignore acquireVsCodeApi is provided by the webview host.
  const vscode = acquireVsCodeApi();

  /** @param {FromPanel} message */
  const send = (message) => vscode.postMessage(message);

  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const form = /** @type {HTMLFormElement} */ ($('search-form'));
  const queryInput = /** @type {HTMLInputElement} */ ($('query'));
  const sourceSelect = /** @type {HTMLSelectElement} */ ($('source'));
  const yearFrom = /** @type {HTMLInputElement} */ ($('year-from'));
  const yearTo = /** @type {HTMLInputElement} */ ($('year-to'));
  const years = $('years');
  const list = $('results');
  const summary = $('summary');
  const notice = $('notice');

  /** @type {PanelState} */
  let state = Object.assign({ query: '', sources: [], results: [], selected: 0 }, vscode.getState() || {});
  let seq = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let noticeTimer;
  let target = /** @type {string | null} */ (null);
  /** Sources outside the field of the document cited into: "All sources" ranks their papers last. */
  let outside = /** @type {string[]} */ ([]);
  /** Whether any paper of the library has a year (the filter is shown for it before a search). */
  let libraryHasYears = false;

  function save() {
    vscode.setState(state);
  }

  function readYear(/** @type {HTMLInputElement} */ input) {
    const n = Number.parseInt(input.value, 10);
    return Number.isFinite(n) ? n : undefined;
  }

  /** Sends the current inputs as a search, debounced while typing. */
  function scheduleSearch(delay = 150) {
    clearTimeout(timer);
    timer = setTimeout(() => {
      state.query = queryInput.value;
      state.sources = sourceSelect.value ? [sourceSelect.value] : [];
      state.yearFrom = readYear(yearFrom);
      state.yearTo = readYear(yearTo);
      state.similarTo = undefined;
      save();
      send({ type: 'search', seq: ++seq, query: state.query, sources: state.sources, yearFrom: state.yearFrom, yearTo: state.yearTo });
    }, delay);
  }

  /** Wraps the matched words of `text` in <mark>, building DOM nodes (never HTML strings). */
  function highlighted(/** @type {string} */ text, /** @type {string[]} */ words) {
    const fragment = document.createDocumentFragment();
    const terms = words.filter((w) => w.trim().length > 1).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    if (terms.length === 0) {
      fragment.append(text);
      return fragment;
    }
    // From the start of a word only: "model" marks "models", never the middle of "remodel".
    const re = new RegExp(`(?<![\\p{L}\\p{N}])(${terms.join('|')})`, 'giu');
    let last = 0;
    for (const m of text.matchAll(re)) {
      const at = m.index ?? 0;
      if (at > last) fragment.append(text.slice(last, at));
      const mark = document.createElement('mark');
      mark.textContent = m[0];
      fragment.append(mark);
      last = at + m[0].length;
    }
    fragment.append(text.slice(last));
    return fragment;
  }

  /** The abstract window around the first matched word, so the highlight is visible. */
  function snippet(/** @type {string} */ text, /** @type {string[]} */ words, max = 320) {
    const clean = text.replace(/\s+/g, ' ').trim();
    if (clean.length <= max) return clean;
    const lower = clean.toLowerCase();
    const first = words.map((w) => lower.indexOf(w.toLowerCase())).filter((i) => i >= 0).sort((a, b) => a - b)[0] ?? 0;
    const start = Math.max(0, Math.min(first - 80, clean.length - max));
    const from = start > 0 ? clean.indexOf(' ', start) + 1 : 0;
    const piece = clean.slice(from, from + max);
    return `${from > 0 ? '…' : ''}${piece.slice(0, piece.lastIndexOf(' ') > max * 0.7 ? piece.lastIndexOf(' ') : piece.length)}…`;
  }

  /** 16×16 line icons (stroked paths), drawn in the theme's foreground colour. */
  const ICONS = {
    insert: ['M3 11.5c1.6-.7 2.5-2 2.5-3.8V4.5H2.5v3.2h3', 'M9.5 11.5c1.6-.7 2.5-2 2.5-3.8V4.5H9v3.2h3'],
    copy: ['M5.5 5.5h8v8h-8z', 'M2.5 10.5v-8h8'],
    similar: ['M9.5 8a3.5 3.5 0 1 1-7 0a3.5 3.5 0 1 1 7 0', 'M13.5 8a3.5 3.5 0 1 1-7 0a3.5 3.5 0 1 1 7 0'],
    open: ['M9 1.5H3.5v13h9V5z', 'M9 1.5V5h3.5'],
  };

  function icon(/** @type {keyof typeof ICONS} */ name) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 16 16');
    svg.setAttribute('aria-hidden', 'true');
    for (const d of ICONS[name]) {
      const path = document.createElementNS(ns, 'path');
      path.setAttribute('d', d);
      svg.append(path);
    }
    return svg;
  }

  /** An icon button: its name as tooltip, a longer label for screen readers. */
  function button(/** @type {keyof typeof ICONS} */ name, /** @type {string} */ tip, /** @type {string} */ aria, /** @type {() => void} */ action) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'icon';
    b.dataset.action = name;
    b.title = tip;
    b.setAttribute('aria-label', aria);
    b.append(icon(name));
    b.addEventListener('click', (e) => {
      e.stopPropagation();
      action();
    });
    return b;
  }

  /** The year filter only when it can filter something: a paper shown (or, before a search, in the library) has a year, or a year is set. */
  function showYears() {
    const shown = state.results.length ? state.results.some((r) => r.year) : libraryHasYears;
    years.hidden = !(shown || yearFrom.value || yearTo.value);
  }

  function render() {
    list.replaceChildren();
    const results = state.results;
    results.forEach((r, i) => {
      const li = document.createElement('li');
      li.className = 'result';
      li.id = `result-${i}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', String(i === state.selected));
      li.dataset.key = r.key;
      // Words shared with a whole abstract ("similar papers") say little: highlight only for a typed query.
      const words = state.similarTo ? [] : r.matched || [];

      // Compact, as in Zotero's picker: the title; first author et al., year, venue (and the key);
      // the abstract only for the selected paper; the actions as icons on hover, focus or selection.
      const body = document.createElement('div');
      body.className = 'body';
      const title = document.createElement('div');
      title.className = 'title';
      title.append(highlighted(r.title, words));
      const meta = document.createElement('div');
      meta.className = 'meta';
      const about = [r.authorsText, r.year ? String(r.year) : '', r.venue || ''].filter(Boolean).join(', ');
      if (about) meta.append(`${about} · `);
      const key = document.createElement('code');
      key.textContent = r.key;
      meta.append(key);
      meta.title = r.source;
      body.append(title, meta);
      // Where "All sources" passes from the document's field to the sources outside it (as Zotero's picker heads each library).
      if (r.outsideField && !results[i - 1]?.outsideField) {
        const head = document.createElement('div');
        head.className = 'field-break';
        head.textContent = `Outside ${target ?? 'this document'}'s field${i === 0 ? ' (nothing in its field matches)' : ''}: ${outside.join(', ') || r.source}`;
        body.prepend(head);
      }
      if (r.abstract) {
        const abs = document.createElement('div');
        abs.className = 'abstract';
        abs.append(highlighted(snippet(r.abstract, words), words));
        body.append(abs);
      }
      const actions = document.createElement('div');
      actions.className = 'actions';
      actions.append(
        button('insert', 'Insert citation', `Insert a citation of ${r.title}${target ? ` into ${target}` : ''}`, () => send({ type: 'insert', key: r.key })),
        button('copy', 'Copy BibTeX', `Copy the BibTeX entry of ${r.title}`, () => send({ type: 'copyBibtex', key: r.key })),
        button('similar', 'Similar papers', `Show papers similar to ${r.title}`, () =>
          send({ type: 'similar', key: r.key, title: r.title, text: `${r.title}. ${r.abstract || ''}` }),
        ),
      );
      if (r.file) actions.append(button('open', 'Open entry', `Open the entry of ${r.title}`, () => send({ type: 'openEntry', file: r.file, line: r.line })));
      li.append(body, actions);
      li.addEventListener('click', () => select(i, false));
      list.append(li);
    });
    if (results.length > 0) list.setAttribute('aria-activedescendant', `result-${Math.min(state.selected, results.length - 1)}`);
    else list.removeAttribute('aria-activedescendant');
    showYears();
    renderSummary();
  }

  /** @param {string} [error] shown instead of the count */
  function renderSummary(error) {
    if (error) summary.textContent = error;
    else if (state.similarTo) summary.textContent = `${state.results.length} papers similar to “${state.similarTo}”`;
    else if (!state.query.trim()) summary.textContent = 'Type to search the library.';
    else summary.textContent = state.results.length ? `${state.results.length} paper${state.results.length === 1 ? '' : 's'}` : 'No papers match.';
    if (target) summary.textContent += ` · citations go into ${target}`;
  }

  function select(/** @type {number} */ i, /** @type {boolean} */ focusList) {
    if (state.results.length === 0) return;
    state.selected = Math.max(0, Math.min(i, state.results.length - 1));
    for (const [j, el] of Array.from(list.children).entries()) el.setAttribute('aria-selected', String(j === state.selected));
    list.setAttribute('aria-activedescendant', `result-${state.selected}`);
    if (focusList) list.focus({ preventScroll: true });
    list.children[state.selected]?.scrollIntoView({ block: 'nearest' });
    save();
  }

  function showNotice(/** @type {string} */ text, /** @type {'info' | 'error'} */ kind) {
    notice.textContent = text;
    notice.className = `notice ${kind}`;
    notice.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => (notice.hidden = true), 6000);
  }

  // Keyboard: arrows move through results from the box or the list; Enter cites; Escape returns to the box.
  function onKey(/** @type {KeyboardEvent} */ e) {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      select(e.target === queryInput ? state.selected : state.selected + 1, true);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      if (state.selected === 0 && e.target === list) queryInput.focus();
      else select(state.selected - 1, true);
    } else if (e.key === 'Home' && e.target === list) {
      e.preventDefault();
      select(0, true);
    } else if (e.key === 'End' && e.target === list) {
      e.preventDefault();
      select(state.results.length - 1, true);
    } else if (e.key === 'Enter' && (e.target === list || e.target === queryInput)) {
      e.preventDefault();
      const r = state.results[state.selected];
      if (r) send({ type: 'insert', key: r.key });
    } else if (e.key === 'Escape' && e.target !== queryInput) {
      e.preventDefault();
      queryInput.focus();
    }
  }
  queryInput.addEventListener('keydown', onKey);
  list.addEventListener('keydown', onKey);
  form.addEventListener('submit', (e) => e.preventDefault());
  queryInput.addEventListener('input', () => scheduleSearch());
  sourceSelect.addEventListener('change', () => scheduleSearch(0));
  yearFrom.addEventListener('input', () => scheduleSearch(300));
  yearTo.addEventListener('input', () => scheduleSearch(300));

  window.addEventListener('message', (/** @type {MessageEvent<ToPanel>} */ event) => {
    const m = event.data;
    switch (m.type) {
      case 'info': {
        // Another document to cite into: its field orders "All sources" (outside sources last), so search again.
        const moved = target !== null && m.target !== target;
        target = m.target;
        const keep = state.sources[0] || '';
        sourceSelect.replaceChildren(new Option('All sources', ''));
        outside = (m.info?.sources ?? []).filter((s) => s.outsideField).map((s) => s.name);
        for (const s of m.info?.sources ?? []) sourceSelect.append(new Option(`${s.name} (${s.papers})${s.outsideField ? ' · outside this document\'s field' : ''}`, s.name));
        sourceSelect.value = Array.from(sourceSelect.options).some((o) => o.value === keep) ? keep : '';
        if (m.info?.years) {
          for (const input of [yearFrom, yearTo]) {
            input.min = String(m.info.years.min);
            input.max = String(m.info.years.max);
          }
          yearFrom.placeholder = String(m.info.years.min);
          yearTo.placeholder = String(m.info.years.max);
        }
        yearFrom.disabled = yearTo.disabled = !m.info?.years;
        libraryHasYears = !!m.info?.years;
        showYears();
        if (m.serverDown) showNotice(m.serverDown, 'error');
        renderSummary();
        if (moved && state.query.trim() && !state.similarTo) scheduleSearch(0);
        break;
      }
      case 'setQuery':
        queryInput.value = m.query;
        queryInput.focus();
        scheduleSearch(0);
        break;
      case 'results':
        if (m.seq !== seq) return; // an older answer overtaken by typing
        state.results = m.results;
        state.selected = 0;
        save();
        render();
        window.scrollTo(0, 0);
        if (m.error) renderSummary(m.error);
        break;
      case 'similar':
        state.results = m.results;
        state.similarTo = m.title;
        state.selected = 0;
        save();
        render();
        window.scrollTo(0, 0);
        if (m.error) renderSummary(m.error);
        else select(0, true);
        break;
      case 'notice':
        showNotice(m.text, m.kind);
        break;
    }
  });

  // Restore what was shown before the panel was hidden, then tell the extension we are listening.
  queryInput.value = state.query;
  if (state.yearFrom) yearFrom.value = String(state.yearFrom);
  if (state.yearTo) yearTo.value = String(state.yearTo);
  render();
  queryInput.focus();
  send({ type: 'ready' });
})();
