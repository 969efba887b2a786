// The inspector's page: lists the server's methods, draws a form for the chosen one from its
// JSON Schema (form.js, the same module the CLI's tests check), calls it through the CLI's
// local server, and shows what came back. Plain browser JavaScript: no build step.
const token = new URLSearchParams(location.search).get('token') ?? '';
const { fieldOf, valueFrom, FormError } = await import(`/form.js?token=${encodeURIComponent(token)}`);

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const e = Object.assign(document.createElement(tag), props);
  for (const c of children) e.append(c);
  return e;
};
const api = (path, init = {}) => fetch(path, { ...init, headers: { ...(init.headers ?? {}), 'x-inspector-token': token } });

let current; // { method, field, read }
let running; // AbortController of the call in flight

/** Controls for `field`; returns a function that reads what was typed (see form.ts `Typed`). */
function controls(field, path, into) {
  switch (field.kind) {
    case 'object': {
      const readers = {};
      for (const m of field.members) {
        const name = `${path}.${m.name}`;
        if (m.field.kind === 'object') {
          const box = el('fieldset', {}, el('legend', { textContent: m.name }));
          readers[m.name] = controls(m.field, name, box);
          into.append(box);
          continue;
        }
        const label = el('label', {}, el('span', { className: 'name', textContent: m.name }));
        if (m.required) label.firstChild.append(el('span', { className: 'req', textContent: ' *', title: 'required' }));
        readers[m.name] = controls(m.field, name, label);
        if (m.description) label.title = m.description;
        into.append(label);
      }
      return () => Object.fromEntries(Object.entries(readers).map(([k, read]) => [k, read()]));
    }
    case 'number': {
      const input = el('input', { type: 'number', name: path, step: field.integer ? '1' : 'any' });
      into.append(input);
      return () => input.value;
    }
    case 'string': {
      const input = el('input', { type: 'text', name: path });
      into.append(input);
      return () => input.value;
    }
    case 'boolean': {
      const input = el('input', { type: 'checkbox', name: path });
      into.append(input);
      return () => input.checked;
    }
    case 'enum': {
      const select = el('select', { name: path });
      field.options.forEach((o, i) => select.append(el('option', { value: String(i), textContent: JSON.stringify(o) })));
      into.append(select);
      return () => Number(select.value);
    }
    default: {
      const area = el('textarea', { name: path, rows: 2, placeholder: field.hint, spellcheck: false });
      into.append(area);
      return () => area.value;
    }
  }
}

function choose(method, button) {
  for (const b of document.querySelectorAll('nav button')) b.setAttribute('aria-current', String(b === button));
  $('empty').hidden = true;
  $('method').hidden = false;
  $('outcome').hidden = true;
  $('method-name').textContent = method.name;
  $('method-about').textContent = [kindText(method.kind), method.description].filter(Boolean).join(' — ');
  const fields = $('fields');
  fields.replaceChildren(el('legend', { textContent: 'Params' }));
  const field = fieldOf(method.input);
  let read;
  if (field.kind === 'object') read = controls(field, 'params', fields);
  else {
    const label = el('label', {}, el('span', { className: 'name', textContent: 'input' }));
    read = controls(field, 'params', label);
    fields.append(label);
  }
  current = { method, field, read };
  $('raw-params').value = '';
  const callable = method.kind !== 'clientStream' && method.kind !== 'bidiStream';
  $('call').disabled = !callable;
  if (!callable) $('method-about').textContent += ' (the inspector calls unary and server-stream methods)';
}

function kindText(kind) {
  return { unary: 'unary', serverStream: 'server stream', notification: 'notification', clientStream: 'client stream', bidiStream: 'bidi stream' }[kind] ?? kind;
}

function metaOf(text) {
  const meta = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    if (line.trim() === '') continue;
    if (at <= 0) throw new FormError(`metadata: "${line}" is not key: value`);
    meta[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  return meta;
}

function show(status, ok, ms) {
  $('outcome').hidden = false;
  $('status').textContent = status;
  $('status').className = `pill ${ok ? 'ok' : 'bad'}`;
  $('rtt').textContent = ms === undefined ? '' : `${ms} ms`;
}

async function call(event) {
  event.preventDefault();
  if (current === undefined) return;
  let params;
  let meta;
  try {
    const raw = $('raw-params').value.trim();
    // A method whose input is not an object takes it as its one positional param.
    const typed = valueFrom(current.field, current.read());
    params = raw !== '' ? JSON.parse(raw) : current.field.kind === 'object' ? typed : typed === undefined ? [] : [typed];
    meta = metaOf($('meta').value);
  } catch (e) {
    show('form', false);
    $('result').textContent = e instanceof FormError || e instanceof SyntaxError ? e.message : String(e);
    $('result').className = 'form-error';
    return;
  }
  $('result').className = '';
  $('result').textContent = '';
  $('items').replaceChildren();
  $('meta-out').textContent = '';
  show('calling…', true);
  running?.abort();
  running = new AbortController();
  $('stop').disabled = false;
  try {
    const res = await api('/api/call', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: current.method.name, params, meta, timeout: Number($('timeout').value) || undefined }),
      signal: running.signal,
    });
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let pending = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      pending += value;
      let nl;
      while ((nl = pending.indexOf('\n')) !== -1) {
        report(JSON.parse(pending.slice(0, nl)));
        pending = pending.slice(nl + 1);
      }
    }
  } catch (e) {
    if (e.name === 'AbortError') show('stopped', false);
    else {
      show('inspector', false);
      $('result').textContent = String(e);
    }
  } finally {
    $('stop').disabled = true;
  }
}

function report(line) {
  if ('item' in line) {
    show(`streaming: ${$('items').children.length + 1} items`, true, line.ms);
    $('items').append(el('li', {}, JSON.stringify(line.item), el('span', { className: 'ms', textContent: `${line.ms} ms` })));
    return;
  }
  if ('error' in line) {
    show(line.error.code, false, line.ms);
    const name = line.error.name && line.error.name !== 'RpcError' ? `${line.error.name}: ` : '';
    $('result').textContent = `${name}${line.error.message}${line.error.details === undefined ? '' : `\n\ndetails: ${JSON.stringify(line.error.details, null, 2)}`}`;
  } else if ('end' in line) {
    show(`OK — ${$('items').children.length} items`, true, line.ms);
  } else if ('sent' in line) {
    show('sent', true, line.ms);
    $('result').textContent = 'A notification: nothing is answered.';
  } else {
    show('OK', true, line.ms);
    $('result').textContent = JSON.stringify(line.result, null, 2);
  }
  $('meta-out').textContent = JSON.stringify(line.meta ?? {}, null, 2);
}

async function load() {
  const res = await api('/api/services');
  const body = await res.json();
  const nav = $('methods');
  if (body.error) {
    $('connection').textContent = body.error.code;
    $('connection').className = 'pill bad';
    $('empty-text').textContent = `The server could not be described: ${body.error.message}`;
    return;
  }
  $('connection').textContent = 'connected';
  $('connection').className = 'pill ok';
  for (const s of body.services) {
    nav.append(el('h2', { textContent: s.name || '(no service)' }));
    for (const m of s.methods) {
      const short = s.name && m.name.startsWith(`${s.name}.`) ? m.name.slice(s.name.length + 1) : m.name;
      const b = el('button', { type: 'button' }, el('span', { textContent: short }), el('span', { className: 'kind', textContent: kindText(m.kind) }));
      b.dataset.method = m.name;
      b.addEventListener('click', () => choose(m, b));
      nav.append(b);
    }
  }
  $('empty-text').textContent = 'Choose a method.';
}

$('call-form').addEventListener('submit', call);
$('stop').addEventListener('click', () => running?.abort());
await load();
