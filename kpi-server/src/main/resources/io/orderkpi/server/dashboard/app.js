// The OrderKPI dashboard: reads the JSON API of the server that serves it and draws the panels.
// Every value from the API is inserted as text (textContent, createTextNode, SVG attributes),
// never parsed as HTML. The token lives in sessionStorage and travels only as a bearer header.

const TOKEN_KEY = 'orderkpi.token';
const CHART_DAYS = 30;
const SVG = 'http://www.w3.org/2000/svg';
/** Failed jobs listed at first, and how many more each "Show more" adds. */
const FAILED_PAGE = 25;
const KPI_FIELDS = [
  ['total_revenue', 'Net revenue', 'money'],
  ['gross_revenue', 'Gross revenue', 'money'],
  ['refund_amount', 'Refunds', 'money'],
  ['average_order_value', 'Average order value', 'money'],
  ['conversion_rate', 'Conversion rate', 'percent'],
  ['order_count', 'Orders', 'count'],
  ['successful_orders', 'Successful orders', 'count'],
  ['failed_orders', 'Failed orders', 'count'],
  ['unique_customers', 'Unique customers', 'count'],
];

const $ = (id) => document.getElementById(id);

const state = {
  token: sessionStorage.getItem(TOKEN_KEY),
  access: null,          // 'full' | 'read' | 'analytics' once signed in
  today: null,
  day: null,
  zone: 'UTC',
  currency: '',
  refreshMs: refreshInterval(),
  timer: null,
  unreachableSince: null,
  names: new Map(),      // customer_id -> customer_name, filled lazily for the leaderboard
  rejected: new Map(),   // import_id -> first rejected rows, once the import is finished
  queues: [],
  failedJobs: [],
  /** How many failed jobs the panel lists; "Show more" raises it, a new filter resets it. */
  failedWanted: FAILED_PAGE,
  failedFilterKey: '',
  trend: null,
  refreshes: 0,
};

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

class Unreachable extends Error {}

function refreshInterval() {
  const seconds = Number(new URLSearchParams(location.search).get('refresh'));
  return Number.isInteger(seconds) && seconds >= 1 && seconds <= 300 ? seconds * 1000 : 5000;
}

// ---- API

async function api(method, path) {
  const headers = { Accept: 'application/json' };
  if (state.token) {
    headers.Authorization = 'Bearer ' + state.token;
  }
  let response;
  try {
    response = await fetch(path, { method, headers, cache: 'no-store', credentials: 'omit' });
  } catch (e) {
    throw new Unreachable(e.message);
  }
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    body = null;
  }
  if (!response.ok) {
    throw new HttpError(response.status, body && body.error ? body.error : 'HTTP ' + response.status);
  }
  return body ? body.data : null;
}

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') {
      search.set(key, value);
    }
  }
  const text = search.toString();
  return text ? '?' + text : '';
}

// ---- DOM helpers: text only

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (key === 'class') {
      node.className = value;
    } else if (key === 'text') {
      node.textContent = value;
    } else if (key === 'on') {
      for (const [event, handler] of Object.entries(value)) {
        node.addEventListener(event, handler);
      }
    } else if (key === 'dataset') {
      Object.assign(node.dataset, value);
    } else {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

/** A table cell that names its column, for the stacked table layout of narrow screens. */
function cell(label, props, ...children) {
  return el('td', { ...props, 'data-label': label }, ...children);
}

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) {
    node.setAttribute(key, String(value));
  }
  for (const child of children) {
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function show(node, visible) {
  node.hidden = !visible;
}

// ---- formatting

function fixed2(value) {
  return Number(value).toFixed(2);
}

function grouped(text) {
  const negative = text.startsWith('-');
  const [whole, fraction] = (negative ? text.slice(1) : text).split('.');
  const withCommas = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (negative ? '-' : '') + withCommas + (fraction !== undefined ? '.' + fraction : '');
}

function money(value) {
  return grouped(fixed2(value)) + (state.currency ? ' ' + state.currency : '');
}

function count(value) {
  return grouped(String(value));
}

function formatKpi(kind, value) {
  if (kind === 'money') return money(value);
  if (kind === 'percent') return fixed2(value) + ' %';
  return count(value);
}

function rawKpi(kind, value) {
  return kind === 'count' ? String(value) : fixed2(value);
}

function duration(ms) {
  if (ms < 1000) return ms + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
  return (ms / 60000).toFixed(1) + ' min';
}

let timeFormat = null;

function time(iso) {
  if (!iso) return '';
  if (!timeFormat) {
    try {
      timeFormat = new Intl.DateTimeFormat('en-CA', { timeZone: state.zone, year: 'numeric', month: '2-digit',
        day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    } catch (e) {
      timeFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'UTC', year: 'numeric', month: '2-digit',
        day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    }
  }
  return timeFormat.format(new Date(iso)).replace(',', '');
}

function addDays(isoDay, days) {
  const date = new Date(isoDay + 'T00:00:00Z');
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

// ---- notices

let noticeTimer = null;

function notice(text, isError = false) {
  const node = $('notice');
  node.textContent = text;
  node.classList.toggle('error', isError);
  show(node, true);
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => show(node, false), 6000);
}

function setReachable(reachable) {
  const banner = $('unreachable');
  if (reachable) {
    if (state.unreachableSince) {
      state.unreachableSince = null;
      show(banner, false);
      notice('The server is reachable again.');
    }
    return;
  }
  if (!state.unreachableSince) {
    state.unreachableSince = new Date();
  }
  banner.textContent = 'The server is unreachable (since ' + state.unreachableSince.toLocaleTimeString()
    + '). Retrying every ' + state.refreshMs / 1000 + ' s; the numbers shown may be out of date.';
  show(banner, true);
}

// ---- session and access

async function boot() {
  clearTimeout(state.timer);
  let session;
  try {
    session = await api('GET', '/api/v1/session');
  } catch (e) {
    if (e instanceof Unreachable) {
      setReachable(false);
      state.timer = setTimeout(boot, state.refreshMs);
      return;
    }
    if (e.status === 401) {
      const refused = Boolean(state.token);
      forgetToken();
      session = refused ? null : await publicAnalytics();
      if (!session) {
        setReachable(true);
        showLogin(refused ? 'The token was refused.' : '', false);
        return;
      }
    } else {
      setReachable(true);
      notice('The dashboard cannot start: ' + e.message, true);
      state.timer = setTimeout(boot, state.refreshMs);
      return;
    }
  }
  setReachable(true);
  await startSession(session);
}

/**
 * Without a token, a server whose auth layer keeps the session endpoint closed may still open
 * the analytics to everyone: the day's report tells (without the currency code, which only the
 * session gives).
 */
async function publicAnalytics() {
  try {
    const daily = await api('GET', '/api/v1/analytics/daily/today');
    return { access: 'analytics', auth_required: true, zone: state.zone, currency: '', today: daily.date };
  } catch (e) {
    return null;
  }
}

async function startSession(session) {
  if (state.token && session.access === 'analytics') {
    // Public analytics let the request through, but the token itself is wrong.
    forgetToken();
    notice('The token was refused; showing the public analytics only.', true);
  }
  state.access = session.access;
  state.zone = session.zone;
  state.currency = session.currency;
  timeFormat = null;
  const previousToday = state.today;
  state.today = session.today;
  if (!state.day || state.day === previousToday) {
    state.day = session.today;
  }
  applyAccess(session.auth_required);
  await refresh();
}

function forgetToken() {
  state.token = null;
  sessionStorage.removeItem(TOKEN_KEY);
}

function showLogin(error, canCancel) {
  clearTimeout(state.timer);
  state.access = null; // stops the refresh cycle until a session starts again
  show($('main'), false);
  clearData();
  show($('login'), true);
  show($('login-cancel'), canCancel);
  show($('sign-in'), false);
  show($('sign-out'), false);
  show($('access'), false);
  $('updated').textContent = 'Signed out';
  $('login-error').textContent = error || '';
  $('token').focus();
}

function applyAccess(authRequired) {
  show($('login'), false);
  show($('main'), true);
  const ops = state.access === 'full' || state.access === 'read';
  for (const panel of document.querySelectorAll('.ops')) {
    show(panel, ops);
  }
  show($('ops-locked'), !ops);
  show($('sign-out'), Boolean(state.token));
  show($('sign-in'), authRequired && !state.token);
  const badge = $('access');
  const labels = { read: 'read-only token', analytics: 'public analytics' };
  badge.textContent = labels[state.access] || '';
  show(badge, Boolean(labels[state.access]));
  applyReadOnly(document);
}

/** Disables every state-changing control below root when the token may only read. */
function applyReadOnly(root) {
  const readOnly = state.access !== 'full';
  for (const button of root.querySelectorAll('[data-mutates]')) {
    button.disabled = readOnly || button.dataset.busy === 'true';
    if (readOnly) {
      button.title = 'Needs the API token (this token may only read)';
    }
  }
}

function clearData() {
  for (const id of ['kpi-cards', 'chart-revenue', 'chart-orders', 'imports-list', 'dead-letters-list']) {
    $(id).replaceChildren();
  }
  for (const table of ['trend-table', 'leaderboard-table', 'queues-table', 'failed-table']) {
    $(table).tBodies[0].replaceChildren();
  }
  $('rank-result').textContent = '';
  state.names.clear();
  state.rejected.clear();
}

// ---- refresh cycle

async function refresh() {
  clearTimeout(state.timer);
  if (!state.access) return;
  // About once a minute, ask again for today: a page left open over midnight moves on with it.
  if (++state.refreshes % Math.max(1, Math.round(60000 / state.refreshMs)) === 0) {
    try {
      const session = await api('GET', '/api/v1/session');
      if (state.day === state.today) state.day = session.today;
      state.today = session.today;
    } catch (e) {
      // The loads below report the same trouble.
    }
  }
  const ops = state.access === 'full' || state.access === 'read';
  const loads = [loadDay(), loadTrend()];
  if (ops) {
    loads.push(loadQueues(), loadFailed(), loadImports(), loadDeadLetters());
  }
  const results = await Promise.allSettled(loads);
  if (!state.access) return; // signed out or asked for a token meanwhile
  const errors = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
  if (errors.some((e) => e instanceof Unreachable)) {
    setReachable(false);
  } else {
    setReachable(true);
    if (errors.some((e) => e instanceof HttpError && e.status === 401)) {
      forgetToken();
      showLogin('The server asked for the token again.', false);
      return;
    }
    const other = errors.find((e) => !(e instanceof Unreachable));
    if (other) {
      notice('Some panels could not be refreshed: ' + other.message, true);
    }
    $('updated').textContent = 'Updated ' + new Date().toLocaleTimeString();
  }
  // Several refreshes may overlap (a click during the periodic one): keep exactly one timer.
  clearTimeout(state.timer);
  state.timer = setTimeout(refresh, state.refreshMs);
}

// ---- KPIs of a day and leaderboard

async function loadDay() {
  const day = state.day;
  const data = await api('GET', '/api/v1/analytics/daily/' + day);
  if (day !== state.day) return;
  $('day').value = day;
  $('day').max = state.today;
  $('day-next').disabled = day >= state.today;
  $('kpis-title').textContent = day === state.today ? 'Today, ' + day : day;
  const cards = KPI_FIELDS.map(([field, label, kind]) => el('div', { class: 'card ' + kind, dataset: { field } },
    el('dt', { text: label }),
    el('dd', { dataset: { value: rawKpi(kind, data.kpis[field]) }, text: formatKpi(kind, data.kpis[field]) })));
  $('kpi-cards').replaceChildren(...cards);
  await renderLeaderboard(data.leaderboard, day);
}

async function renderLeaderboard(entries, day) {
  const unknown = entries.map((e) => e.customer_id).filter((id) => !state.names.has(id));
  await Promise.all(unknown.map(async (id) => {
    try {
      const page = await api('GET', '/api/v1/orders' + query({ customer_id: id, limit: 1 }));
      state.names.set(id, page.orders.length ? page.orders[0].customer_name : '');
    } catch (e) {
      if (e instanceof HttpError && (e.status === 401 || e.status === 403)) {
        state.names.set(id, ''); // public analytics: names are not public
      } else {
        throw e;
      }
    }
  }));
  if (day !== state.day) return;
  const rows = entries.map((e) => el('tr', { dataset: { customer: e.customer_id } },
    el('td', { class: 'num', text: e.rank }),
    el('td', {}, el('span', { class: 'name', text: state.names.get(e.customer_id) || '' }),
      el('span', { class: 'id', text: e.customer_id })),
    el('td', { class: 'num', dataset: { value: fixed2(e.total_spent) }, text: money(e.total_spent) })));
  $('leaderboard-table').tBodies[0].replaceChildren(...rows);
  show($('leaderboard-empty'), rows.length === 0);
}

async function findRank(event) {
  event.preventDefault();
  const customer = $('rank-customer').value.trim();
  const result = $('rank-result');
  if (!customer) return;
  try {
    const data = await api('GET', '/api/v1/analytics/customers/' + encodeURIComponent(customer) + '/rank'
      + query({ date: state.day }));
    result.textContent = customer + ' is #' + data.rank + ' on ' + data.date + ', net spent ' + money(data.total_spent) + '.';
  } catch (e) {
    if (e instanceof HttpError && e.status === 404) {
      result.textContent = customer + ' is not ranked on ' + state.day + '.';
    } else {
      result.textContent = 'The rank could not be loaded: ' + e.message;
    }
  }
}

function setDay(day) {
  if (!day || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return;
  state.day = day > state.today ? state.today : day;
  $('rank-result').textContent = '';
  refresh();
}

// ---- 30-day chart

async function loadTrend() {
  const end = state.day;
  const data = await api('GET', '/api/v1/analytics/kpis' + query({ start_date: addDays(end, -(CHART_DAYS - 1)), end_date: end }));
  if (end !== state.day) return;
  state.trend = data.daily_breakdown;
  $('trend-end').textContent = end;
  drawCharts();
  const rows = data.daily_breakdown.map((d) => el('tr', { dataset: { date: d.date } },
    el('th', { scope: 'row', text: d.date }),
    el('td', { class: 'num', dataset: { field: 'total_revenue' }, text: fixed2(d.total_revenue) }),
    el('td', { class: 'num', dataset: { field: 'gross_revenue' }, text: fixed2(d.gross_revenue) }),
    el('td', { class: 'num', dataset: { field: 'order_count' }, text: d.order_count }),
    el('td', { class: 'num', dataset: { field: 'successful_orders' }, text: d.successful_orders }),
    el('td', { class: 'num', dataset: { field: 'failed_orders' }, text: d.failed_orders })));
  $('trend-table').tBodies[0].replaceChildren(...rows);
}

function drawCharts() {
  if (!state.trend) return;
  const days = state.trend;
  barChart($('chart-revenue'), days, (d) => [{ value: Number(d.total_revenue), cls: 'revenue' }],
    (d) => d.date + ': net revenue ' + money(d.total_revenue), compact,
    'Net revenue per day; the numbers are in the table of this panel');
  barChart($('chart-orders'), days, (d) => [{ value: d.successful_orders, cls: 'ok' }, { value: d.failed_orders, cls: 'bad' }],
    (d) => d.date + ': ' + d.successful_orders + ' successful, ' + d.failed_orders + ' failed orders',
    compact, 'Orders per day, successful and failed; the numbers are in the table of this panel');
}

/** Stacked bars, one group per day, drawn at the container's width so text keeps its size. */
function barChart(container, days, parts, label, axisLabel, description) {
  const width = Math.max(240, Math.floor(container.clientWidth || 600));
  const height = 160;
  const pad = { top: 10, right: 8, bottom: 22, left: 48 };
  const totals = days.map((d) => parts(d).reduce((sum, p) => sum + Math.max(0, p.value), 0));
  const lows = days.map((d) => parts(d).reduce((sum, p) => sum + Math.min(0, p.value), 0));
  const max = niceMax(Math.max(0, ...totals));
  const min = Math.min(0, ...lows);
  const span = max - min || 1;
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const y = (v) => pad.top + plotH - ((v - min) / span) * plotH;
  const step = plotW / days.length;
  const barW = Math.max(2, step * 0.7);
  const root = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': description });
  for (const v of [max, (max + min) / 2, min]) {
    root.append(svg('line', { class: 'grid', x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v) }));
    root.append(svg('text', { class: 'axis', x: pad.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, axisLabel(v)));
  }
  days.forEach((d, i) => {
    const x = pad.left + i * step + (step - barW) / 2;
    const group = svg('g', { class: 'point', 'data-date': d.date }, svg('title', {}, label(d)));
    let up = 0;
    let down = 0;
    for (const part of parts(d)) {
      const from = part.value >= 0 ? up : down;
      const to = from + part.value;
      if (part.value >= 0) up = to; else down = to;
      const top = y(Math.max(from, to));
      const h = Math.abs(y(from) - y(to));
      group.append(svg('rect', { class: 'bar ' + part.cls, x, y: top, width: barW, height: Math.max(0, h) }));
    }
    // A full-height transparent target, so the hover works on days with small bars too.
    group.append(svg('rect', { class: 'hit', x: pad.left + i * step, y: pad.top, width: step, height: plotH }));
    root.append(group);
  });
  for (const i of [0, Math.floor(days.length / 2), days.length - 1]) {
    if (days[i]) {
      const anchor = i === 0 ? 'start' : i === days.length - 1 ? 'end' : 'middle';
      const x = i === 0 ? pad.left : i === days.length - 1 ? width - pad.right : pad.left + (i + 0.5) * step;
      root.append(svg('text', { class: 'axis', x, y: height - 6, 'text-anchor': anchor }, days[i].date.slice(5)));
    }
  }
  container.replaceChildren(root);
}

/** Axis labels: 950, 12k, 1.5M. */
function compact(value) {
  const abs = Math.abs(value);
  if (abs >= 1e6) return +(value / 1e6).toFixed(1) + 'M';
  if (abs >= 1e4) return Math.round(value / 1e3) + 'k';
  if (abs >= 1e3) return +(value / 1e3).toFixed(1) + 'k';
  return String(Math.round(value));
}

function niceMax(value) {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 2.5, 5, 10]) {
    if (m * power >= value) return m * power;
  }
  return 10 * power;
}

// ---- queues

async function loadQueues() {
  const data = await api('GET', '/api/v1/queues');
  state.queues = data.queues;
  const rows = data.queues.map((q) => el('tr', { dataset: { queue: q.name } },
    el('th', { scope: 'row', text: q.name }),
    cell('State', {}, el('span', { class: 'state ' + (q.paused ? 'paused' : 'active'), text: q.paused ? 'paused' : 'active' })),
    cell('Pending', { class: 'num', dataset: { field: 'pending' }, text: count(q.pending) }),
    cell('Running', { class: 'num', dataset: { field: 'running' }, text: count(q.running) }),
    cell('Completed', { class: 'num', dataset: { field: 'completed' }, text: count(q.completed) }),
    cell('Failed', { class: 'num', dataset: { field: 'failed' }, text: count(q.failed) }),
    cell('Per min', { class: 'num', text: count(q.throughput_per_minute) }),
    cell('Wait p50', { class: 'num', text: duration(q.wait_p50_ms) }),
    cell('Wait p95', { class: 'num', text: duration(q.wait_p95_ms) }),
    el('td', { class: 'actions' },
      q.paused
        ? action('Continue', 'continue ' + q.name, 'POST', '/api/v1/queues/' + encodeURIComponent(q.name) + '/continue',
          q.name + ' continues', 'pause-toggle')
        : action('Pause', 'pause ' + q.name, 'POST', '/api/v1/queues/' + encodeURIComponent(q.name) + '/pause',
          q.name + ' paused', 'pause-toggle'),
      action('Clear', 'clear the pending jobs of ' + q.name, 'DELETE', '/api/v1/queues/' + encodeURIComponent(q.name) + '/jobs',
        null, 'clear danger', 'Clear the ' + q.pending + ' pending jobs of ' + q.name + '?'))));
  $('queues-table').tBodies[0].replaceChildren(...rows);
  applyReadOnly($('queues-table'));
  const select = $('failed-queue');
  const known = new Set([...select.options].map((o) => o.value));
  for (const q of data.queues) {
    if (!known.has(q.name)) select.append(el('option', { value: q.name, text: q.name }));
  }
}

/** A button that sends one state-changing request, then refreshes the page's data. */
function action(text, what, method, path, done, cls, confirmText) {
  return el('button', { type: 'button', class: cls, dataset: { mutates: '' }, 'aria-label': text + ': ' + what,
    on: { click: async (event) => {
      if (confirmText && !window.confirm(confirmText)) return;
      await send(event.currentTarget, method, path, done, (data) => summary(text, data));
    } } }, text);
}

async function send(button, method, path, done, describe) {
  button.dataset.busy = 'true';
  button.disabled = true;
  try {
    const data = await api(method, path);
    notice(done || describe(data));
  } catch (e) {
    if (e instanceof Unreachable) setReachable(false);
    notice('That did not work: ' + e.message, true);
  } finally {
    button.dataset.busy = 'false';
    button.disabled = state.access !== 'full';
  }
  await refresh();
}

function summary(text, data) {
  for (const key of ['retried', 'forgotten', 'cleared', 'redelivered']) {
    if (data && key in data) return text + ': ' + data[key] + ' ' + (data[key] === 1 ? 'job' : 'jobs') + ' ' + key + '.';
  }
  return text + ': done.';
}

// ---- failed jobs

/** The error without the Java package names in front; the full text stays in the tooltip. */
function shortError(text) {
  return (text || '').replace(/^(?:[a-z_][\w]*\.)+(?=[A-Z])/, '');
}

function failedFilter() {
  return { queue: $('failed-queue').value, q: $('failed-q').value.trim() };
}

/** Pages through the failed jobs of the filter, newest first, until `wanted` are read or none is left. */
async function readFailed(filter, wanted) {
  const jobs = [];
  let cursor = null;
  do {
    const data = await api('GET', '/api/v1/queues/failed' + query({ ...filter, limit: Math.min(500, wanted - jobs.length), cursor }));
    jobs.push(...data.failed_jobs);
    cursor = data.next_cursor;
  } while (cursor && jobs.length < wanted);
  return { jobs, more: Boolean(cursor) };
}

async function loadFailed() {
  const filter = failedFilter();
  const key = filter.queue + '\n' + filter.q;
  if (key !== state.failedFilterKey) {
    state.failedFilterKey = key;
    state.failedWanted = FAILED_PAGE;
  }
  const { jobs, more } = await readFailed(filter, state.failedWanted);
  const now = failedFilter();
  if (now.queue !== filter.queue || now.q !== filter.q) return;
  state.failedJobs = jobs;
  // The payload is never shown: it may hold ids or data an operator does not need to see here.
  const rows = jobs.map((job) => el('tr', { dataset: { job: job.id } },
    cell('Failed at', { class: 'nowrap', text: time(job.failed_at) }),
    cell('Queue', { text: job.queue }),
    cell('Type', { class: 'mono nowrap', text: job.type }),
    cell('Subject', { class: 'nowrap', text: job.subject || '' }),
    cell('Error', { class: 'error-text', title: job.last_error || '', text: shortError(job.last_error) }),
    cell('Attempts', { class: 'num', text: job.attempts }),
    el('td', { class: 'actions' },
      action('Retry', 'retry job ' + job.id, 'POST', '/api/v1/queues/failed/' + job.id + '/retry', 'Job queued again', 'retry'),
      action('Forget', 'forget job ' + job.id, 'DELETE', '/api/v1/queues/failed/' + job.id, 'Job forgotten', 'forget'))));
  $('failed-table').tBodies[0].replaceChildren(...rows);
  const total = jobs.length;
  $('failed-count').textContent = '(' + count(total) + (more ? '+' : '') + ')';
  show($('failed-empty'), total === 0);
  $('failed-more').textContent = more ? 'Showing the newest ' + count(total) + '; there are more.' : '';
  show($('failed-next'), more);
  const filtered = filter.queue || filter.q;
  $('failed-retry-all').textContent = filtered ? 'Retry these ' + total : 'Retry all';
  $('failed-forget-all').textContent = filtered ? 'Forget these ' + total : 'Forget all';
  for (const id of ['failed-retry-all', 'failed-forget-all']) {
    $(id).dataset.busy = total === 0 ? 'true' : 'false';
  }
  applyReadOnly($('failed'));
}

/**
 * Retry all / forget all of the current filter. The API's bulk calls filter by queue only, so
 * with error text in the filter the listed jobs are sent one by one.
 */
async function bulkFailed(retry, button) {
  const filter = failedFilter();
  const jobs = state.failedJobs;
  const verb = retry ? 'Retry' : 'Forget';
  if (!window.confirm(verb + ' ' + jobs.length + ' failed ' + (jobs.length === 1 ? 'job' : 'jobs') + '?')) return;
  if (!filter.q) {
    const path = '/api/v1/queues/failed' + (retry ? '/retry-all' : '') + query({ queue: filter.queue });
    await send(button, retry ? 'POST' : 'DELETE', path, null, (data) => summary(verb + ' all', data));
    return;
  }
  button.disabled = true;
  let done = 0;
  for (const job of jobs) {
    try {
      await api(retry ? 'POST' : 'DELETE', '/api/v1/queues/failed/' + job.id + (retry ? '/retry' : ''));
      done++;
    } catch (e) {
      if (!(e instanceof HttpError && e.status === 404)) {
        notice('Stopped after ' + done + ': ' + e.message, true);
        break;
      }
    }
  }
  notice(verb + ': ' + done + ' ' + (done === 1 ? 'job' : 'jobs') + '.');
  await refresh();
}

// ---- imports

async function loadImports() {
  const data = await api('GET', '/api/v1/imports' + query({ limit: 5 }));
  const cards = [];
  for (const run of data.imports) {
    let rejected = state.rejected.get(run.import_id);
    if (run.rejected > 0 && !rejected) {
      const detail = await api('GET', '/api/v1/imports/' + encodeURIComponent(run.import_id));
      rejected = detail.rejected_rows.slice(0, 5);
      if (run.state === 'completed' || run.state === 'failed') state.rejected.set(run.import_id, rejected);
    }
    cards.push(importCard(run, rejected || []));
  }
  $('imports-list').replaceChildren(...cards);
  show($('imports-empty'), cards.length === 0);
}

function importCard(run, rejected) {
  const finished = run.state === 'completed' || run.state === 'failed';
  const progress = el('progress', { max: 1, 'aria-label': 'Progress of ' + run.source_name });
  if (finished) progress.value = 1; // running imports have no known total: an indeterminate bar
  const stats = el('dl', { class: 'stats' },
    ...[['Read', run.rows_read], ['Imported', run.imported], ['Already there', run.skipped_existing], ['Rejected', run.rejected]]
      .flatMap(([label, value]) => [el('dt', { text: label }), el('dd', { text: count(value) })]));
  const card = el('article', { class: 'import ' + run.state, dataset: { import: run.import_id } },
    el('header', {},
      el('strong', { text: run.source_name }),
      el('span', { class: 'state ' + run.state, text: run.state + (run.dry_run ? ' (dry run)' : '') }),
      el('span', { class: 'muted', text: time(run.created_at) })),
    progress, stats);
  if (run.error) card.append(el('p', { class: 'error', text: run.error }));
  if (run.rejected > 0) {
    const list = el('table', { class: 'rejected' },
      el('caption', { text: 'First rejected rows' }),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', class: 'num', text: 'Line' }),
        el('th', { scope: 'col', text: 'Order number' }), el('th', { scope: 'col', text: 'Reason' }))),
      el('tbody', {}, ...rejected.map((r) => el('tr', {}, el('td', { class: 'num', text: r.line }),
        el('td', { class: 'mono', text: r.order_number }), el('td', { text: r.reason })))));
    const href = '/api/v1/imports/' + encodeURIComponent(run.import_id) + '/rejected.csv';
    const link = el('a', { href, class: 'download', download: 'import-' + run.import_id + '-rejected.csv',
      on: { click: (event) => downloadWithToken(event, href, 'import-' + run.import_id + '-rejected.csv') } }, 'All ' + count(run.rejected) + ' rejected rows (CSV)');
    card.append(el('div', { class: 'table-wrap' }, list), link);
  }
  return card;
}

/** With a token the file is fetched with the bearer header (never a token in the address). */
async function downloadWithToken(event, href, name) {
  if (!state.token) return; // no token needed: the plain link works
  event.preventDefault();
  const response = await fetch(href, { headers: { Authorization: 'Bearer ' + state.token }, cache: 'no-store' });
  if (!response.ok) {
    notice('The download failed: HTTP ' + response.status, true);
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = el('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// ---- dead letters

async function loadDeadLetters() {
  const list = $('dead-letters-list');
  let data;
  try {
    data = await api('GET', '/api/v1/outbox/dead-letters' + query({ limit: 100 }));
  } catch (e) {
    if (e instanceof HttpError && e.status === 404) {
      list.replaceChildren(el('p', { class: 'muted', text: 'dead letters: not available on this server' }));
      show($('dead-letters-empty'), false);
      return;
    }
    throw e;
  }
  const bySubscriber = new Map();
  for (const letter of data.dead_letters) {
    if (!bySubscriber.has(letter.subscriber)) bySubscriber.set(letter.subscriber, []);
    bySubscriber.get(letter.subscriber).push(letter);
  }
  const groups = [...bySubscriber].map(([subscriber, letters]) => el('div', { class: 'dead-group', dataset: { subscriber } },
    el('div', { class: 'panel-head' },
      el('h3', { text: subscriber + ' (' + letters.length + ')' }),
      action('Redeliver all', 'redeliver every dead letter of ' + subscriber, 'POST',
        '/api/v1/outbox/dead-letters/redeliver-all' + query({ subscriber }), null, 'redeliver-all')),
    el('div', { class: 'table-wrap' }, el('table', {},
      el('thead', {}, el('tr', {}, ...['Dead-lettered', 'Sequence', 'Order', 'Event', 'Error', '']
        .map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, ...letters.map((d) => el('tr', { dataset: { sequence: d.sequence } },
        el('td', { class: 'nowrap', text: time(d.dead_lettered_at) }),
        el('td', { class: 'num', text: d.sequence }),
        el('td', { class: 'num', text: d.order_id }),
        el('td', { class: 'mono', text: d.event_type }),
        el('td', { class: 'error-text', text: d.error || '' }),
        el('td', { class: 'actions' }, action('Redeliver', 'redeliver event ' + d.sequence + ' to ' + subscriber, 'POST',
          '/api/v1/outbox/dead-letters/' + encodeURIComponent(subscriber) + '/' + d.sequence + '/redeliver',
          'Event ' + d.sequence + ' redelivered to ' + subscriber, 'redeliver')))))))));
  if (data.next_cursor) {
    groups.push(el('p', { class: 'muted', text: 'Showing the first ' + data.dead_letters.length
      + ' dead letters; redeliver them to see the rest.' }));
  }
  list.replaceChildren(...groups);
  show($('dead-letters-empty'), data.dead_letters.length === 0);
  applyReadOnly(list);
}

// ---- wiring

function signIn(event) {
  event.preventDefault();
  const token = $('token').value.trim();
  if (!token) return;
  $('token').value = '';
  state.token = token;
  sessionStorage.setItem(TOKEN_KEY, token);
  boot();
}

function signOut() {
  forgetToken();
  state.access = null;
  clearData();
  boot();
}

let filterTimer = null;
let resizeTimer = null;

function init() {
  $('login-form').addEventListener('submit', signIn);
  $('login-cancel').addEventListener('click', () => boot());
  $('sign-out').addEventListener('click', signOut);
  for (const id of ['sign-in', 'ops-sign-in']) {
    $(id).addEventListener('click', () => showLogin('', true));
  }
  $('day-prev').addEventListener('click', () => setDay(addDays(state.day, -1)));
  $('day-next').addEventListener('click', () => setDay(addDays(state.day, 1)));
  $('day-today').addEventListener('click', () => setDay(state.today));
  $('day').addEventListener('change', (event) => setDay(event.target.value));
  $('rank-form').addEventListener('submit', findRank);
  $('trend-toggle').addEventListener('click', (event) => {
    const open = $('trend-table-wrap').classList.toggle('sr-only') === false;
    event.currentTarget.setAttribute('aria-expanded', String(open));
    event.currentTarget.textContent = open ? 'Hide table' : 'Show as table';
  });
  $('failed-filter').addEventListener('submit', (event) => event.preventDefault());
  $('failed-next').addEventListener('click', () => {
    state.failedWanted += FAILED_PAGE;
    loadFailed().catch((e) => notice(e.message, true));
  });
  $('failed-queue').addEventListener('change', () => refresh());
  $('failed-q').addEventListener('input', () => {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => refresh(), 300);
  });
  $('failed-retry-all').addEventListener('click', (event) => bulkFailed(true, event.currentTarget));
  $('failed-forget-all').addEventListener('click', (event) => bulkFailed(false, event.currentTarget));
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(drawCharts, 150);
  });
  boot();
}

init();
