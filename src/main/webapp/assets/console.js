/*
 * Tuneledger admin console: a client of the REST API under api/ (the browser's HTTP Basic sign-in is reused for every
 * call). Pages are chosen by the URL fragment: #/jobs, #/executions, #/executions/{id}, #/datasets,
 * #/datasets/{name}/{version}, #/models, #/models/{name}/{version}, #/audit. Text from the server is always inserted
 * as text, never as markup: records and parameters may hold anything.
 */
(function () {
  'use strict';

  const RUNNING = ['STARTING', 'STARTED', 'STOPPING'];
  const REFRESH_MS = 2000;
  const view = document.getElementById('view');
  let me = { user: '', roles: [] };
  let refreshTimer = null;
  let charts = [];

  // ---- DOM and formatting helpers

  /** Element with attributes (on* are listeners) and children (strings become text nodes). */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v === null || v === undefined || v === false) return;
      if (k.startsWith('on')) el.addEventListener(k.substring(2), v);
      // through the CSSOM: the Content-Security-Policy refuses style attributes written as markup
      else if (k === 'style') el.style.cssText = v;
      else el.setAttribute(k, v === true ? '' : v);
    });
    children.flat(Infinity).forEach(c => {
      if (c === null || c === undefined || c === false) return;
      el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    });
    return el;
  }

  /** Replaces the page's content; arrays among the children are flattened. */
  function show(...children) {
    view.replaceChildren(...children.flat(Infinity).filter(c => c !== null && c !== undefined && c !== false));
  }

  const can = (...roles) => roles.some(r => me.roles.includes(r));
  const canOperate = () => can('operator', 'admin');
  const canAudit = () => can('auditor', 'admin');
  const enc = encodeURIComponent;

  function time(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    return isNaN(d) ? String(iso) : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  }

  function duration(start, end) {
    if (!start) return '';
    const ms = (end ? new Date(end) : new Date()) - new Date(start);
    if (!(ms >= 0)) return '';
    const s = Math.round(ms / 1000);
    return s < 60 ? s + ' s' : Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  }

  function number(v, digits) {
    if (typeof v !== 'number') return v === undefined || v === null ? '' : String(v);
    if (Number.isInteger(v)) return v.toLocaleString('en');
    return v !== 0 && Math.abs(v) < 0.001 ? v.toExponential(2) : v.toFixed(digits === undefined ? 4 : digits);
  }

  const badge = status => h('span', { class: 'badge ' + (status || ''), 'data-status': status || '' }, status || '-');

  function progressBar(p) {
    if (!p) return '';
    const pct = p.fraction === null || p.fraction === undefined ? null : Math.round(p.fraction * 100);
    const label = number(p.done) + (p.total !== null && p.total !== undefined ? ' of ' + number(p.total) : '')
      + ' ' + p.unit;
    return h('span', { class: 'progress-cell', title: label },
      pct === null ? '' : h('span', { class: 'progress', role: 'progressbar', 'aria-valuenow': pct,
        'aria-valuemin': 0, 'aria-valuemax': 100 }, h('span', { style: 'width:' + pct + '%' })),
      ' ', pct === null ? label : pct + ' % (' + label + ')');
  }

  function facts(entries) {
    return h('dl', { class: 'facts' }, entries.filter(e => e && e[1] !== undefined && e[1] !== null && e[1] !== '')
      .map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  }

  function table(headers, rows, attrs) {
    return h('table', attrs || {},
      h('thead', {}, h('tr', {}, headers.map(x => h('th', {}, x)))),
      h('tbody', {}, rows.length ? rows.map(r => r instanceof Node ? r : h('tr', {}, r.map(c => h('td', {}, c))))
        : h('tr', {}, h('td', { colspan: headers.length, class: 'muted' }, 'none'))));
  }

  const json = v => h('pre', { class: 'mono' }, JSON.stringify(v, null, 2));

  /** The two links to a compliance report (path under api/reports/): HTML in a new tab, and PDF. */
  const reportLinks = path => [
    h('a', { href: 'api/reports/' + path + '?format=html', target: '_blank', 'data-report': 'html' },
      'Compliance report (HTML)'),
    h('a', { href: 'api/reports/' + path + '?format=pdf', 'data-report': 'pdf' }, 'PDF')];

  // ---- API

  /** Calls the API; resolves to {status, body, headers}; body is parsed JSON when the answer is JSON. */
  async function api(path, options) {
    const opts = Object.assign({ headers: {} }, options || {});
    opts.headers = Object.assign({ Accept: 'application/json' }, opts.headers);
    if (opts.body !== undefined && typeof opts.body !== 'string') {
      opts.body = JSON.stringify(opts.body);
      opts.headers['Content-Type'] = 'application/json';
    }
    const response = await fetch('api/' + path, opts);
    const type = response.headers.get('Content-Type') || '';
    // JSON is parsed; anything else (JSON Lines, HTML) is left as text.
    const body = /^application\/([\w.-]+\+)?json\b/.test(type) ? await response.json().catch(() => null)
      : await response.text();
    return { status: response.status, body: body, headers: response.headers };
  }

  /** The API's error messages as one line. */
  function errorText(reply) {
    const errors = reply.body && reply.body.errors;
    if (Array.isArray(errors) && errors.length) {
      return errors.map(e => (e.parameter ? e.parameter + ': ' : '') + e.message).join('; ');
    }
    return 'HTTP ' + reply.status + (typeof reply.body === 'string' && reply.body ? ': ' + reply.body : '');
  }

  async function load(path) {
    const reply = await api(path);
    if (reply.status !== 200) throw new Error(errorText(reply));
    return reply;
  }

  // ---- Routing

  const routes = [
    [/^#\/jobs$/, jobsPage, 'jobs'],
    [/^#\/executions$/, executionsPage, 'executions'],
    [/^#\/executions\/(\d+)$/, executionPage, 'executions'],
    [/^#\/datasets$/, datasetsPage, 'datasets'],
    [/^#\/datasets\/([^/]+)\/([^/]+)$/, datasetPage, 'datasets'],
    [/^#\/models$/, modelsPage, 'models'],
    [/^#\/models\/([^/]+)\/([^/]+)$/, modelPage, 'models'],
    [/^#\/audit$/, auditPage, 'audit'],
  ];

  async function route() {
    clearTimeout(refreshTimer);
    refreshTimer = null;
    charts.forEach(c => c.destroy());
    charts = [];
    const hash = location.hash.split('?')[0] || '#/executions';
    const found = routes.find(([re]) => re.test(hash));
    if (!found) {
      location.hash = '#/executions';
      return;
    }
    document.querySelectorAll('#nav a').forEach(a => a.classList.toggle('current', a.dataset.page === found[2]));
    const args = hash.match(found[0]).slice(1).map(decodeURIComponent);
    show(h('p', { class: 'muted' }, 'Loading…'));
    try {
      await found[1](...args);
    } catch (e) {
      show(h('h1', {}, 'Something went wrong'), h('p', { class: 'error' }, e.message));
    }
  }

  /** Runs {@code task} again after a pause while the page is still the one that asked. */
  function refreshLater(task) {
    const hash = location.hash;
    refreshTimer = setTimeout(async () => {
      if (location.hash !== hash) return;
      try {
        await task();
      } catch (e) {
        // The next refresh tries again; the page keeps what it showed.
      }
    }, REFRESH_MS);
  }

  // ---- Jobs: the catalog, one launch form per job

  let catalog = null;

  /** A job of the catalogue (loaded once a page view). */
  async function jobOf(name) {
    if (!catalog) catalog = (await load('jobs')).body;
    return catalog.find(j => j.name === name);
  }

  async function jobsPage() {
    const jobs = (await load('jobs')).body;
    catalog = jobs;
    show(h('h1', {}, 'Jobs'),
      canOperate() ? h('p', { class: 'muted' }, 'Defaults are filled in; change what you need and launch. '
        + 'Parameters are checked before anything starts.')
        : h('p', { class: 'muted' }, 'Your role may read the catalog; launching needs the operator or admin role.'),
      jobs.map(jobCard));
  }

  function jobCard(job) {
    const form = h('form', { class: 'launch', id: 'launch-' + job.name, 'data-job': job.name, novalidate: true });
    const hasDefault = p => p.defaultValue !== null && p.defaultValue !== undefined;
    // Required parameters first, then the ones without a default, then the rest: each with its default filled in.
    const rank = p => (p.required ? 0 : hasDefault(p) ? 2 : 1);
    job.parameters.slice().sort((a, b) => rank(a) - rank(b)).forEach(p => {
      const id = 'p-' + job.name + '-' + p.name;
      form.append(
        h('label', { for: id }, p.name, p.required ? h('span', { class: 'req', title: 'required' }, ' *') : ''),
        h('div', {},
          h('input', { id: id, name: p.name, value: hasDefault(p) ? p.defaultValue : '',
            placeholder: p.required ? 'required' : '', 'aria-describedby': id + '-error',
            disabled: !canOperate() }),
          h('div', { class: 'help' }, (p.description || '').replace(/([^.])$/, '$1.'),
            hasDefault(p) && p.defaultValue !== '' ? ' Default: ' + p.defaultValue + '.' : ''),
          h('div', { class: 'field-error', id: id + '-error', 'data-error-for': p.name })));
    });
    const key = 'k-' + job.name;
    form.append(h('label', { for: key }, 'Idempotency-Key'),
      h('div', {}, h('input', { id: key, name: '', 'data-idempotency': true, disabled: !canOperate(),
        placeholder: 'optional: the same key never launches twice' })));
    const message = h('div', { class: 'form-error', 'data-form-error': true });
    form.append(h('span'), h('div', { class: 'actions' },
      h('button', { type: 'submit', disabled: !canOperate() }, 'Launch ' + job.name), message));
    form.addEventListener('submit', ev => {
      ev.preventDefault();
      launch(job, form, message);
    });
    const open = location.hash === '#/jobs?open=' + job.name;
    return h('details', { class: 'card job', id: 'job-' + job.name, open: open },
      h('summary', {}, h('strong', {}, job.name), ' · ', job.description || '',
        h('span', { class: 'muted' }, ' (' + job.parameters.length + ' parameters)')), form);
  }

  async function launch(job, form, message) {
    form.querySelectorAll('[data-error-for]').forEach(e => { e.textContent = ''; });
    form.querySelectorAll('input').forEach(i => i.removeAttribute('aria-invalid'));
    message.textContent = '';
    const parameters = {};
    let missing = false;
    job.parameters.forEach(p => {
      const input = form.elements[p.name];
      const value = input.value.trim();
      if (value !== '') parameters[p.name] = value;
      else if (p.required) {
        fieldError(form, p.name, 'is required');
        missing = true;
      }
    });
    if (missing) {
      message.textContent = 'Fill in the required parameters.';
      return;
    }
    const headers = {};
    const key = form.querySelector('[data-idempotency]').value.trim();
    if (key) headers['Idempotency-Key'] = key;
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      const reply = await api('jobs/' + enc(job.name) + '/executions',
        { method: 'POST', headers: headers, body: { parameters: parameters } });
      if (reply.status === 202 || reply.status === 200) {
        location.hash = '#/executions/' + reply.body.executionId;
        return;
      }
      const errors = (reply.body && reply.body.errors) || [];
      const general = [];
      errors.forEach(e => {
        if (!e.parameter || !fieldError(form, e.parameter, e.message)) general.push(e);
      });
      message.textContent = reply.status === 400 ? 'Nothing was started: fix the parameters marked.'
        + (general.length ? ' ' + errorText({ body: { errors: general } }) : '') : errorText(reply);
    } finally {
      button.disabled = false;
    }
  }

  function fieldError(form, name, text) {
    const slot = Array.from(form.querySelectorAll('[data-error-for]')).find(e => e.dataset.errorFor === name);
    if (!slot) return false;
    slot.textContent = text;
    form.elements[name].setAttribute('aria-invalid', 'true');
    return true;
  }

  // ---- Executions

  /** The step to show as the execution's progress: the running one, else the last one. */
  function currentStep(execution) {
    const steps = execution.steps || [];
    return steps.find(s => RUNNING.includes(s.batchStatus)) || steps[steps.length - 1];
  }

  async function executionsPage() {
    const params = new URLSearchParams(location.hash.split('?')[1] || '');
    const offset = Math.max(0, parseInt(params.get('offset') || '0', 10) || 0);
    const limit = 20;
    const jobs = (await load('jobs')).body.map(j => j.name);
    const job = h('select', { name: 'job' }, h('option', { value: '' }, 'all'),
      jobs.map(n => h('option', { value: n, selected: params.get('job') === n }, n)));
    const status = h('select', { name: 'status' }, h('option', { value: '' }, 'all'),
      ['STARTING', 'STARTED', 'STOPPING', 'STOPPED', 'FAILED', 'COMPLETED', 'ABANDONED']
        .map(s => h('option', { value: s, selected: params.get('status') === s }, s)));
    const filter = () => {
      const q = new URLSearchParams();
      if (job.value) q.set('job', job.value);
      if (status.value) q.set('status', status.value);
      location.hash = '#/executions' + (q.toString() ? '?' + q : '');
    };
    job.addEventListener('change', filter);
    status.addEventListener('change', filter);
    const holder = h('div');
    const pager = h('div', { class: 'pager' });
    show(h('h1', {}, 'Executions'),
      h('div', { class: 'filters' }, h('label', {}, 'Job', job), h('label', {}, 'Status', status),
        h('span', { class: 'muted' }, 'Refreshed every 2 s.')), holder, pager);

    async function refresh() {
      const q = new URLSearchParams({ offset: offset, limit: limit });
      if (params.get('job')) q.set('job', params.get('job'));
      if (params.get('status')) q.set('status', params.get('status'));
      const reply = await load('executions?' + q);
      const total = parseInt(reply.headers.get('X-Total-Count') || '0', 10);
      holder.replaceChildren(table(['Execution', 'Job', 'Status', 'Exit status', 'Started', 'Duration', 'Step',
        'Progress'], reply.body.map(e => {
        const step = currentStep(e);
        return h('tr', { 'data-execution': e.executionId },
          h('td', {}, h('a', { href: '#/executions/' + e.executionId }, '#' + e.executionId)),
          h('td', {}, e.jobName), h('td', {}, badge(e.batchStatus)), h('td', {}, e.exitStatus || ''),
          h('td', {}, time(e.startTime)), h('td', {}, duration(e.startTime, e.endTime)),
          h('td', {}, step ? step.stepName : ''), h('td', {}, step ? progressBar(step.progress) : ''));
      }), { id: 'executions' }));
      const page = (o, text) => {
        const q2 = new URLSearchParams(params);
        q2.set('offset', o);
        return h('a', { href: '#/executions?' + q2 }, text);
      };
      pager.replaceChildren(offset > 0 ? page(Math.max(0, offset - limit), '← newer') : '',
        h('span', { class: 'muted' }, total ? (offset + 1) + '–' + Math.min(total, offset + limit) + ' of ' + total
          : 'no executions'),
        offset + limit < total ? page(offset + limit, 'older →') : '');
      refreshLater(refresh);
    }
    await refresh();
  }

  async function executionPage(id) {
    const head = h('div');
    const body = h('div');
    const chartBox = h('div', { class: 'charts', id: 'charts' });
    const parameters = h('div');
    // The outcome of the last action: kept across the page's redraws.
    const status = h('p', { class: 'action-result', 'aria-live': 'polite' });
    show(head, body, h('h2', {}, 'Training curves'), chartBox, parameters);
    let chartKey = null;

    async function refresh() {
      const e = (await load('executions/' + id)).body;
      const running = RUNNING.includes(e.batchStatus);
      const restartable = ['FAILED', 'STOPPED'].includes(e.batchStatus);
      const overrides = restartable && canOperate() ? restartOverrides(e, await jobOf(e.jobName)) : null;
      const act = (label, path, cls, confirmText) => h('button', { class: cls || '', 'data-action': path,
        onclick: async () => {
          if (confirmText && !confirm(confirmText)) return;
          const reply = await api('executions/' + id + '/' + path, { method: 'POST',
            body: path === 'restart' ? { parameters: overrides.changed() } : undefined });
          if (path === 'restart' && (reply.status === 202 || reply.status === 200)) {
            location.hash = '#/executions/' + reply.body.executionId;
          } else if (reply.status >= 200 && reply.status < 300) {
            status.className = 'notice';
            status.textContent = path + ' requested';
            clearTimeout(refreshTimer);
            await refresh();
          } else {
            status.className = 'error';
            status.textContent = errorText(reply);
          }
        } }, label);
      const actions = [];
      if (canOperate()) {
        if (running) actions.push(act('Stop', 'stop', 'danger'));
        if (restartable) {
          actions.push(act('Restart', 'restart'));
          actions.push(act('Abandon', 'abandon', 'secondary',
            'Abandon execution #' + id + '? It can then never be restarted.'));
        }
      }
      if (canAudit()) actions.push(...reportLinks('executions/' + id));
      head.replaceChildren(h('h1', {}, 'Execution #' + e.executionId + ' · ' + e.jobName + ' ',
        badge(e.batchStatus)),
        facts([['Exit status', e.exitStatus], ['Job instance', e.instanceId], ['Created', time(e.createTime)],
          ['Started', time(e.startTime)], ['Ended', time(e.endTime)],
          ['Duration', duration(e.startTime, e.endTime)], ['Last update', time(e.lastUpdatedTime)]]),
        h('div', { class: 'actions', id: 'actions' }, actions, status), overrides ? overrides.element : '');
      body.replaceChildren(
        h('h2', {}, 'Steps'),
        table(['Step', 'Status', 'Exit status', 'Started', 'Duration', 'Progress', 'Counts', 'Figures', 'Metrics'],
          (e.steps || []).map(s => h('tr', { 'data-step': s.stepName },
            h('td', {}, s.stepName), h('td', {}, badge(s.batchStatus)), h('td', {}, s.exitStatus || ''),
            h('td', {}, time(s.startTime)), h('td', {}, duration(s.startTime, s.endTime)),
            h('td', {}, progressBar(s.progress)),
            h('td', {}, Object.entries(s.counts || {}).map(([k, v]) => h('div', {}, k + ': ' + v))),
            h('td', {}, Object.entries(s.values || {}).map(([k, v]) => h('div', {}, k + ': ' + number(v)))),
            h('td', { class: 'muted' }, Object.entries(s.metrics || {}).filter(([, v]) => v)
              .map(([k, v]) => h('div', {}, k + ': ' + v)))))));
      parameters.replaceChildren(h('h2', {}, 'Parameters'),
        table(['Parameter', 'Value'], Object.entries(e.parameters || {}).sort().map(([k, v]) => [k, v])));
      const train = (e.steps || []).find(s => s.stepName === 'train');
      // Redrawn when training moved on, and once more at the end (the last curves come with the last checkpoint).
      const drawn = (train && train.progress ? train.progress.done : 0) + ' ' + e.batchStatus;
      if (drawn !== chartKey) {
        chartKey = drawn;
        await drawCurves(id, chartBox);
      }
      if (running) refreshLater(refresh);
    }
    await refresh();
  }

  /**
   * The parameters of a failed or stopped execution that a restart may change (the job catalogue marks them
   * restartable: a checkpoint interval, say), editable for the restart; every other one keeps its value, since what
   * the execution saved depends on it. {@code changed()} gives only the values that differ.
   */
  function restartOverrides(e, job) {
    const restartable = new Set(((job && job.parameters) || []).filter(p => p.restartable).map(p => p.name));
    const inputs = Object.entries(e.parameters || {}).filter(([k]) => restartable.has(k)).sort().map(([k, v]) =>
      [k, v, h('input', { name: k, value: v, 'aria-label': k })]);
    return {
      element: !inputs.length ? '' : h('details', { class: 'card', id: 'restart-parameters' },
        h('summary', {}, 'Change parameters for the restart (optional)'),
        h('form', { class: 'launch', onsubmit: ev => ev.preventDefault() },
          inputs.map(([k, , input]) => [h('label', {}, k), input]))),
      changed: () => Object.fromEntries(inputs.filter(([, v, input]) => input.value.trim() !== v)
        .map(([k, , input]) => [k, input.value.trim()])),
    };
  }

  /** Training loss per optimisation step, and validation loss and figure (macro-F1, MRR@10) per epoch. */
  async function drawCurves(id, box) {
    const curves = (await load('executions/' + id + '/curves')).body;
    plotCurves(Object.values(curves)[0], box);
  }

  /**
   * Draws {loss, validationLoss, validationCurve, <validationCurve>} into {@code box}, replacing earlier charts; the
   * validation figure's curve is named by validationCurve (validationMacroF1 when absent).
   */
  function plotCurves(train, box) {
    charts.forEach(c => c.destroy());
    charts = [];
    box.replaceChildren();
    if (!train || !train.loss || !train.loss.length) {
      box.append(h('p', { class: 'muted' }, 'No training curves: this job does not train, or no checkpoint yet.'));
      return;
    }
    const width = Math.min(560, Math.max(320, (view.clientWidth - 40) / 2));
    const loss = train.loss;
    const lossBox = h('div', { class: 'chart', id: 'chart-loss' });
    box.append(lossBox);
    charts.push(new uPlot({ title: 'Training loss per optimisation step', width: width, height: 260,
      scales: { x: { time: false } },
      axes: [{ label: 'step' }, { label: 'cross-entropy loss' }],
      series: [{ label: 'step' }, { label: 'training loss', stroke: '#1f5fbf', width: 1.5 }] },
    [loss.map((_, i) => i + 1), loss], lossBox));
    const metricKey = train.validationCurve || Object.keys(train).find(k => k.startsWith('validation')
      && k !== 'validationLoss' && k !== 'validationCurve') || 'validationMacroF1';
    const metric = train[metricKey] || [];
    const metricLabel = metricKey === 'validationMrrAt10' ? 'MRR@10' : 'macro-F1';
    const epochs = Math.max((train.validationLoss || []).length, metric.length);
    if (epochs) {
      const validationBox = h('div', { class: 'chart', id: 'chart-validation' });
      box.append(validationBox);
      const at = (list, i) => (list && i < list.length ? list[i] : null);
      const xs = Array.from({ length: epochs }, (_, i) => i + 1);
      charts.push(new uPlot({ title: 'Validation per epoch', width: width, height: 260,
        scales: { x: { time: false }, f1: { range: [0, 1] } },
        axes: [{ label: 'epoch', incrs: [1] }, { label: 'validation loss' },
          { scale: 'f1', side: 1, label: metricLabel, grid: { show: false } }],
        series: [{ label: 'epoch' },
          { label: 'validation loss', stroke: '#b3261e', width: 2, points: { show: true } },
          { label: 'validation ' + metricLabel, scale: 'f1', stroke: '#1b7f3b', width: 2, points: { show: true } }] },
      [xs, xs.map((_, i) => at(train.validationLoss, i)), xs.map((_, i) => at(metric, i))],
      validationBox));
    }
  }

  // ---- Datasets

  async function datasetsPage() {
    const list = (await load('datasets')).body.datasets;
    show(h('h1', {}, 'Datasets'), table(['Dataset', 'Version', 'Records', 'Created', 'Content SHA-256'],
      list.flatMap(d => d.versions.map(v => [d.name,
        h('a', { href: '#/datasets/' + enc(d.name) + '/' + v.version }, 'v' + v.version),
        v.records + ' of ' + v.read + ' read (' + v.quarantined + ' quarantined, ' + v.duplicates + ' duplicates)',
        time(v.createdAt), h('code', { title: v.contentSha256 }, (v.contentSha256 || '').substring(0, 16))]))));
  }

  async function datasetPage(name, version) {
    const manifest = (await load('datasets/' + enc(name) + '/versions/' + enc(version))).body;
    const quarantine = h('div', { id: 'quarantine' }, h('p', { class: 'muted' }, 'Loading…'));
    const source = manifest.source || {};
    const job = manifest.job || {};
    show(h('h1', {}, 'Dataset ' + name + ' v' + (manifest.version || version)),
      facts([['Content SHA-256', manifest.contentSha256], ['Created', time(manifest.createdAt)],
        ['Prepared by execution', job.executionId ? h('a', { href: '#/executions/' + job.executionId },
          '#' + job.executionId) : ''],
        ['Source', source.path], ['Source SHA-256', source.sha256]]),
      h('h2', {}, 'Counts'), facts(Object.entries(manifest.counts || {}).map(([k, v]) => [k, number(v)])),
      h('h2', {}, 'Quarantined records'), quarantine,
      h('details', { class: 'card' }, h('summary', {}, 'The whole manifest (JSON)'), json(manifest)));
    const reply = await api('datasets/' + enc(name) + '/versions/' + enc(version) + '/records?split=quarantine',
      { headers: { Accept: 'application/x-ndjson' } });
    if (reply.status !== 200) {
      quarantine.replaceChildren(h('p', { class: 'error' }, errorText(reply)));
      return;
    }
    const records = String(reply.body).split('\n').filter(l => l.trim()).map(l => JSON.parse(l));
    const shown = records.slice(0, 200);
    quarantine.replaceChildren(h('p', { class: 'muted' }, records.length + ' quarantined'
      + (records.length > shown.length ? ', the first ' + shown.length + ' shown' : '')),
    table(['Line', 'Id', 'Reason', 'Detail', 'Excerpt'], shown.map(r => h('tr', { 'data-line': r.line },
      h('td', { class: 'num' }, String(r.line)), h('td', {}, r.id || ''),
      h('td', {}, h('span', { class: 'badge bad', 'data-reason': r.reason }, r.reason || '')),
      h('td', {}, r.detail || ''), h('td', { class: 'mono' }, r.excerpt || ''))), { id: 'quarantine-records' }));
  }

  // ---- Models

  async function modelsPage() {
    const list = (await load('models')).body.models;
    show(h('h1', {}, 'Models'), table(['Model', 'Version', 'Task', 'Status', 'Test figure', 'Created'],
      list.flatMap(m => m.versions.map(v => [m.name,
        h('a', { href: '#/models/' + enc(m.name) + '/' + v.version }, 'v' + v.version), v.task || 'classification',
        badge(v.status), (v.testMetric || 'macroF1') + ' ' + number(v.test !== undefined ? v.test : v.testMacroF1),
        time(v.createdAt)]))));
  }

  async function modelPage(name, version) {
    const base = 'models/' + enc(name) + '/versions/' + enc(version);
    const m = (await load(base)).body;
    const card = (await load(base + '/card')).body;
    const status = h('p', { 'aria-live': 'polite' });
    const actions = [];
    if (can('admin') && m.status === 'candidate') {
      actions.push(h('button', { 'data-action': 'promote', onclick: async () => {
        const reply = await api(base + '/promote', { method: 'POST' });
        if (reply.status === 200) route();
        else {
          status.className = 'error';
          status.textContent = errorText(reply);
        }
      } }, 'Promote'));
    }
    if (canAudit()) actions.push(...reportLinks('models/' + enc(name) + '/versions/' + m.version));
    const lineage = m.lineage || {};
    const curves = h('div', { class: 'charts', id: 'charts' });
    show(h('h1', {}, 'Model ' + name + ' v' + m.version + ' ', badge(m.status)),
      h('div', { class: 'actions' }, actions, status),
      h('h2', {}, 'Lineage'), lineageFacts(m, lineage),
      h('h2', {}, 'Model card'), modelCard(card),
      h('h2', {}, 'Training curves'), curves,
      h('h2', {}, 'Parameters'), table(['Parameter', 'Value'], Object.entries(m.parameters || {}).sort()
        .map(([k, v]) => [k, String(v)]), { id: 'model-parameters' }));
    const training = (m.evaluation && m.evaluation.training) || {};
    const metricKey = training.validationCurve || 'validationMacroF1';
    plotCurves({ loss: training.losses, validationLoss: training.validationLoss, validationCurve: metricKey,
      [metricKey]: training[metricKey] }, curves);
  }

  /** Where the version came from, each link a page of its own: base model, dataset version, execution. */
  function lineageFacts(m, lineage) {
    const registered = /^([a-z0-9][a-z0-9._-]*):(\d+|latest)$/.exec(lineage.baseModel || '');
    return h('div', { id: 'lineage' }, facts([
      ['Base model', registered ? h('a', { href: '#/models/' + enc(registered[1]) + '/' + registered[2] },
        lineage.baseModel) : lineage.baseModel],
      ['Base model SHA-256', h('code', {}, lineage.baseModelSha256 || '')],
      ['Dataset', lineage.dataset ? h('a', { href: '#/datasets/' + enc(lineage.dataset) + '/'
        + lineage.datasetVersion }, lineage.dataset + ' v' + lineage.datasetVersion) : ''],
      ['Dataset SHA-256', h('code', {}, lineage.datasetSha256 || '')],
      ['Trained by execution', lineage.jobExecutionId ? h('a', { href: '#/executions/' + lineage.jobExecutionId },
        '#' + lineage.jobExecutionId) : ''],
      ['Artifact', m.artifact && m.artifact.path],
      ['Weights SHA-256', h('code', {}, (m.artifact && m.artifact.weightsSha256) || '')]]));
  }

  /**
   * The model card as a person reads it: intended use, the training data with its counts and labels, the test
   * figures against the baseline with the per-label figures and the confusion matrix as tables, the gate, and the
   * limitations as a list.
   */
  function modelCard(card) {
    const data = card.trainingData || {};
    const counts = data.counts || {};
    const source = data.source || {};
    const evaluationFigures = card.evaluation || {};
    const gate = evaluationFigures.gate || {};
    const labels = data.labels || {};
    const splits = data.splits || {};
    return h('div', { class: 'card', id: 'model-card' },
      facts([['Model', card.model], ['Status', card.status], ['Base model', card.baseModel],
        ['Created', time(card.createdAt)]]),
      h('h3', {}, 'Intended use'), h('p', { id: 'intended-use' }, card.intendedUse || ''),
      h('h3', {}, 'Training data'),
      facts([['Dataset', data.dataset], ['Content SHA-256', h('code', {}, data.contentSha256 || '')],
        ['Source', source.path || (source.datasource ? source.datasource + ' ' + source.table : '')],
        ['Cleaning', data.cleaning ? data.cleaning.rules + (data.cleaning.redactPii ? ', PII redacted' : '') : '']]),
      table(['Read', 'Kept', 'Quarantined', 'Duplicates'].concat(counts.documents ? ['Documents'] : []),
        [[number(counts.read), number(counts.records), number(counts.quarantined), number(counts.duplicates)]
          .concat(counts.documents ? [number(counts.documents)] : [])], { id: 'card-counts' }),
      Object.keys(labels).length ? table(['Label', 'Records'].concat(Object.keys(splits)),
        Object.entries(labels).map(([label, n]) => [label, number(n)].concat(Object.values(splits)
          .map(sp => number((sp.labels || {})[label] || 0)))), { id: 'card-labels' })
        : table(['Split', counts.documents ? 'Pairs' : 'Texts'], Object.entries(splits).map(([name, sp]) => [name, number(sp.records)]),
          { id: 'card-splits' }),
      h('h3', {}, 'Evaluation on the ' + (evaluationFigures.split || 'test') + ' split'),
      Array.isArray(evaluationFigures.compared) ? comparedTable(evaluationFigures.compared) : [
        table(['Split', 'Accuracy', 'Macro-F1'], [
          ['test (fine-tuned)', number(evaluationFigures.accuracy), number(evaluationFigures.macroF1)],
          [evaluationFigures.student ? 'test (baseline: teacher)' : 'test (baseline: frozen encoder)',
            number(evaluationFigures.baselineAccuracy), number(evaluationFigures.baselineMacroF1)]], { id: 'metrics' }),
        h('p', { class: 'muted' }, 'Baseline: ' + (evaluationFigures.baseline || '')),
        evaluationFigures.student ? h('p', { id: 'student-speed' }, 'Student: '
          + number(evaluationFigures.student.speedup) + 'x the teacher\'s speed ('
          + number(evaluationFigures.student.studentTextsPerSecond) + ' against '
          + number(evaluationFigures.student.teacherTextsPerSecond) + ' texts/s on '
          + evaluationFigures.student.texts + ' test texts), '
          + number(evaluationFigures.student.studentParameters) + ' weights against '
          + number(evaluationFigures.student.teacherParameters)) : ''],
      Array.isArray(evaluationFigures.samples) && evaluationFigures.samples.length
        ? table(['Prompt', 'Reference', 'Answer (fine-tuned, greedy)'], evaluationFigures.samples.map(x =>
          [x.prompt, x.reference, x.answer]), { id: 'sample-answers' }) : '',
      Array.isArray(evaluationFigures.perClass) ? table(['Label', 'Precision', 'Recall', 'F1', 'Support'],
        evaluationFigures.perClass.map(c => [c.label, number(c.precision), number(c.recall), number(c.f1),
          number(c.support)]), { id: 'per-label' }) : '',
      Array.isArray(evaluationFigures.confusion) && Array.isArray(evaluationFigures.labels)
        ? table(['true \\ predicted'].concat(evaluationFigures.labels), evaluationFigures.confusion.map((row, i) =>
          [evaluationFigures.labels[i]].concat(row.map(n => number(n)))), { id: 'confusion' }) : '',
      facts([['Quality gate', gate.decision], ['Rule', gate.threshold === 'none' || gate.threshold === undefined
        ? 'none set' : gate.metric + ' ≥ ' + number(gate.threshold)], ['Measured', number(gate.value)]]),
      h('h3', {}, 'Limitations'),
      h('ul', { id: 'limitations' }, (card.limitations || []).map(l => h('li', {}, l))));
  }

  /** The fine-tuned model's figures beside those it is compared with (retrieval: the base model and BM25). */
  function comparedTable(compared) {
    const names = Object.keys((compared[0] || {}).figures || {});
    return table(['Model'].concat(names), compared.map(c => [c.model].concat(names.map(n => number(c.figures[n])))),
      { id: 'metrics' });
  }

  // ---- Audit trail

  async function auditPage() {
    const params = new URLSearchParams(location.hash.split('?')[1] || '');
    const field = (name, label, placeholder) => h('label', {}, label,
      h('input', { name: name, value: params.get(name) || '', placeholder: placeholder }));
    const form = h('form', { class: 'filters', id: 'audit-filters' },
      field('subject', 'Subject', 'job-execution:12, model, …'),
      field('from', 'From (UTC)', '2026-01-31T00:00:00Z'), field('to', 'To (UTC)', ''),
      field('limit', 'Limit', '100'), h('button', { type: 'submit' }, 'Filter'));
    form.addEventListener('submit', ev => {
      ev.preventDefault();
      const q = new URLSearchParams();
      ['subject', 'from', 'to', 'limit'].forEach(n => {
        if (form.elements[n].value.trim()) q.set(n, form.elements[n].value.trim());
      });
      const next = '#/audit' + (q.toString() ? '?' + q : '');
      if (location.hash === next) route();
      else location.hash = next;
    });
    const verdict = h('span', { id: 'verify-result', 'aria-live': 'polite' });
    const verify = h('button', { class: 'secondary', id: 'verify', onclick: async () => {
      verdict.className = 'muted';
      verdict.textContent = 'Verifying the whole chain…';
      const r = await api('audit/verify');
      if (r.status !== 200) {
        verdict.className = 'error';
        verdict.textContent = errorText(r);
      } else if (r.body.valid) {
        verdict.className = 'notice';
        verdict.textContent = 'Chain intact: ' + r.body.events + ' events, last hash '
          + String(r.body.lastHash).substring(0, 16) + '…';
      } else {
        verdict.className = 'error';
        verdict.textContent = 'Chain broken at event ' + r.body.brokenAt + ': ' + (r.body.reason || '');
      }
    } }, 'Verify the chain');
    const q = new URLSearchParams();
    ['subject', 'from', 'to', 'limit'].forEach(n => { if (params.get(n)) q.set(n, params.get(n)); });
    const reply = await api('audit' + (q.toString() ? '?' + q : ''));
    show(h('h1', {}, 'Audit trail'), form, h('div', { class: 'actions' }, verify, verdict),
      reply.status !== 200 ? h('p', { class: 'error' }, errorText(reply))
        : table(['#', 'Time (UTC)', 'Actor', 'Action', 'Subject', 'Details'], reply.body.events.map(e => [
          String(e.seq), time(e.time), e.actor, e.action, e.subjectType + ':' + e.subjectId,
          h('code', {}, JSON.stringify(e.details))]), { id: 'audit-events' }));
  }

  // ---- Start

  async function start() {
    try {
      me = (await load('system/me')).body;
    } catch (e) {
      show(h('p', { class: 'error' }, 'Could not sign in: ' + e.message));
      return;
    }
    document.getElementById('who').textContent = me.user + ' (' + (me.roles.join(', ') || 'no role') + ')';
    document.querySelectorAll('#nav a[data-roles]').forEach(a => {
      a.hidden = !a.dataset.roles.split(' ').some(r => me.roles.includes(r));
    });
    window.addEventListener('hashchange', route);
    route();
  }

  start();
}());
