// The jouletrace dashboard: reads the REST API, signed in by the session cookie a sign-in link set (or with a key the
// user gives), and draws what it returns.
// Every figure with a range is rounded to the precision its range supports, bounds outward, as the CLI does
// (docs/methodology.md §2, "Display"); a number without one to its accuracy band's digits.
'use strict';

const DIGITS = { accurate: 3, medium: 2, gross: 1 };
const TIERS = ['measured', 'modelled', 'estimated'];
const charts = {};

/** A figure rounded to its band's significant digits; null is "unrated", never 0. */
function display(value, band) {
  if (value === null || value === undefined) return 'unrated';
  if (value === 0) return '0';
  const text = Number(value).toPrecision(DIGITS[band] || 2);
  const abs = Math.abs(Number(text));
  return text.includes('e') && abs >= 1e-4 && abs < 1e7 ? String(Number(text)) : text;
}

/** The power of ten of x's leading digit (0 for 0). */
function leadingExponent(x) {
  return x === 0 || !isFinite(x) ? 0 : Math.floor(Math.log10(Math.abs(x)));
}

/** x to a multiple of 10^exponent by roundStep (Math.round, floor or ceil), with more digits where its sign would change. */
function roundAt(x, exponent, roundStep) {
  if (x === 0) return '0';
  for (let e = exponent; ; e--) {
    const rounded = roundStep(x / Math.pow(10, e)) * Math.pow(10, e);
    if (Math.sign(rounded) === Math.sign(x)) return e < 0 ? rounded.toFixed(-e) : String(Math.round(rounded));
  }
}

/** A figure with its range: value, low rounded down and high rounded up, one decimal place below the width's leading digit. */
function ranged(value, low, high, band) {
  if (value === null || value === undefined) return { value: 'unrated', low: 'unrated', high: 'unrated' };
  let exponent = high > low ? leadingExponent(high - low) - 1 : leadingExponent(value) - ((DIGITS[band] || 2) - 1);
  exponent = Math.max(exponent, leadingExponent(Math.max(Math.abs(low), Math.abs(high))) - 5);
  return { value: roundAt(value, exponent, Math.round), low: roundAt(low, exponent, Math.floor), high: roundAt(high, exponent, Math.ceil) };
}

function percent(part, whole) {
  return whole ? (100 * part / whole).toFixed(0) + '%' : '–';
}

/** Thrown for a 401: neither a session cookie nor a key signs the request in. */
class SignedOut extends Error {}

async function api(path) {
  const key = document.getElementById('api-key').value.trim();
  // Without a key, the browser sends the HttpOnly session cookie (same origin).
  const response = await fetch(path, { headers: key ? { Authorization: 'Bearer ' + key } : {} });
  const body = await response.json();
  if (response.status === 401) throw new SignedOut(body.error.message);
  if (!response.ok) throw new Error(body.error ? body.error.message : response.status);
  return body;
}

function range() {
  const params = new URLSearchParams();
  const since = document.getElementById('since').value;
  const until = document.getElementById('until').value;
  if (since) params.set('since', since);
  if (until) params.set('until', until);
  return params;
}

function setText(id, text) {
  document.getElementById(id).textContent = text;
}

function showTotals(summary) {
  const band = summary.band.energy;
  const wh = ranged(summary.total_wh, summary.wh_low, summary.wh_high, band);
  setText('total-wh', wh.value);
  setText('total-co2', ranged(summary.total_co2_grams, summary.co2_grams_low, summary.co2_grams_high, summary.band.carbon).value);
  setText('total-calls', String(summary.total_calls));
  setText('total-range', summary.wh_low === null ? '–' : wh.low + ' – ' + wh.high);
  setText('total-band', band || '–');
  const bar = document.getElementById('tier-bar');
  bar.replaceChildren();
  for (const tier of TIERS) {
    const wh = summary.tiers[tier].wh;
    setText('tier-' + tier, percent(wh, summary.total_wh) + ' (' + summary.tiers[tier].calls + ' calls)');
    const part = document.createElement('span');
    part.className = 'tier-' + tier;
    part.style.width = summary.total_wh ? (100 * wh / summary.total_wh) + '%' : '0';
    part.title = tier;
    bar.appendChild(part);
  }
  setText('unrated-calls', String(summary.unrated.calls));
  setText('unrated-tokens', String(summary.unrated.tokens));
  const unratedModels = Object.entries(summary.by_model).filter(([, e]) => e.unrated.calls > 0);
  table('unrated-models', ['model', 'unrated calls', 'tokens', 'why'], unratedModels.map(([model, e]) =>
    [model, String(e.unrated.calls), String(e.unrated.tokens), e.wh === null ? 'no call of it has a figure' : 'some of its calls have no figure']));
}

function showBreakdown(tableId, entries) {
  const table = document.getElementById(tableId);
  table.replaceChildren();
  const head = table.insertRow();
  for (const title of ['', 'Wh', 'gCO2e', 'calls', 'measured', 'modelled', 'estimated', 'unrated calls']) {
    const th = document.createElement('th');
    th.textContent = title;
    head.appendChild(th);
  }
  for (const [key, e] of Object.entries(entries)) {
    const row = table.insertRow();
    row.dataset.key = key;
    const cells = [key, ranged(e.wh, e.wh_low, e.wh_high, e.band.energy).value,
      ranged(e.co2_grams, e.co2_grams_low, e.co2_grams_high, e.band.carbon).value, String(e.calls),
      ...TIERS.map(t => percent(e.tiers[t].wh, e.wh)), String(e.unrated.calls)];
    cells.forEach((text, i) => {
      const cell = row.insertCell();
      cell.textContent = text;
      if (i > 0) cell.className = 'num';
      if (text === 'unrated') cell.classList.add('unrated');
    });
  }
}

/**
 * A stacked bar per key and day. A point whose figure is null (its calls are unrated) is a gap, never 0, and is named
 * under the chart; a key with no calls on a day has no bar either.
 */
function drawSeries(canvasId, series, field) {
  const buckets = [...new Set(series.points.map(p => p.bucket))];
  const keys = [...new Set(series.points.map(p => p.key))];
  const unrated = series.points.filter(p => p[field] === null);
  const datasets = keys.map(key => ({
    label: key,
    data: buckets.map(b => {
      const point = series.points.find(p => p.bucket === b && p.key === key);
      return point ? point[field] : null;
    }),
  }));
  if (charts[canvasId]) charts[canvasId].destroy();
  charts[canvasId] = new Chart(document.getElementById(canvasId), {
    type: 'bar',
    data: { labels: buckets.map(b => b.substring(0, 10)), datasets },
    options: { animation: false, scales: { x: { stacked: true }, y: { stacked: true } } },
  });
  gapList(document.getElementById(canvasId + '-unrated'), unrated);
}

/** The points a chart leaves out: per key a count of days on one line, the days themselves behind a click. */
function gapList(element, unrated) {
  element.replaceChildren();
  if (unrated.length === 0) return;
  const days = new Map();
  for (const p of unrated) days.set(p.key, [...(days.get(p.key) || []), p.bucket.substring(0, 10)]);
  const details = document.createElement('details');
  const summary = document.createElement('summary');
  summary.textContent = 'unrated, not plotted: ' + [...days].map(([key, list]) => key + ' (' + list.length + ' days)').join(', ');
  const list = document.createElement('p');
  list.textContent = [...days].map(([key, list]) => key + ': ' + list.join(', ')).join('; ');
  details.append(summary, list);
  element.appendChild(details);
}

/** The value, low–high range, band and method of one figure of the record view; 'unrated' when it is null. */
function figureRows(name, figure, valueField, unit) {
  if (!figure) return [[name, 'unrated'], [name + ' range', 'unrated'], [name + ' band', 'unrated'], [name + ' method', 'none applies']];
  const shown = ranged(figure[valueField], figure[valueField + '_low'], figure[valueField + '_high'], figure.band);
  return [
    [name, shown.value + ' ' + unit + ', ' + figure.tier],
    [name + ' range', shown.low + ' – ' + shown.high + ' ' + unit],
    [name + ' band', figure.band],
    [name + ' method', figure.method || '–'],
  ];
}

async function showRecord(id) {
  const list = document.getElementById('record');
  list.replaceChildren();
  const record = await api('/api/invocations/' + encodeURIComponent(id));
  const f = record.figures;
  const rows = [
    ['chain position', 'seq ' + record.chain.seq + ', hash ' + record.chain.hash],
    ['call', record.record.provider + '/' + record.record.model + ' at ' + record.record.timestamp],
    ['methodology', f.methodology_version],
    ['model', (f.model.resolved || 'not catalogued') + (f.model.source ? ' (' + f.model.source + ', ' + f.model.band + ')' : '')],
    ...figureRows('energy', f.energy, 'wh', 'Wh'),
    ...figureRows('carbon', f.carbon, 'g', 'gCO2e'),
    ['intensity', f.carbon ? f.carbon.intensity_g_per_kwh + ' g/kWh (' + f.carbon.intensity_source + ')' : '–'],
    ['null reasons', f.null_reasons.map(r => r.field + '=' + r.code).join('; ') || '–'],
    ['energy score', record.energy_score
      ? stars(record.energy_score) + ' (' + record.energy_score.task + ', ' + record.energy_score.leaderboard_version + ')'
      : '– (' + record.energy_score_null_reason.code + ')'],
    ['other figure sets', record.figure_sets.map(s => s.methodology_version).join(', ') || '–'],
  ];
  for (const [term, value] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = term;
    const dd = document.createElement('dd');
    dd.textContent = value;
    dd.dataset.term = term;
    list.append(dt, dd);
  }
}

async function load() {
  const status = document.getElementById('status');
  status.textContent = 'loading…';
  delete document.body.dataset.loaded;
  try {
    const params = range();
    const summaryParams = new URLSearchParams(params);
    summaryParams.set('by', 'team,cost_center');
    const summary = await api('/api/energy/summary?' + summaryParams);
    showTotals(summary);
    showBreakdown('by-team', summary.by_team);
    showBreakdown('by-cost-center', summary.by_cost_center);
    showBreakdown('by-model', summary.by_model);
    for (const by of ['team', 'model']) {
      const seriesParams = new URLSearchParams(params);
      seriesParams.set('by', by);
      seriesParams.set('bucket', 'day');
      const series = await api('/api/energy/series?' + seriesParams);
      drawSeries('chart-' + by + '-energy', series, 'wh');
      drawSeries('chart-' + by + '-carbon', series, 'co2_grams');
    }
    await Promise.all(window.jouletraceExtras.map(extra => extra(params)));
    status.textContent = '';
    document.body.dataset.loaded = 'true';
  } catch (e) {
    status.textContent = e instanceof SignedOut
      ? 'not signed in: open the sign-in link `jouletrace serve` printed, or use an API key'
      : 'error: ' + e.message;
  }
}

/** Fills table {@code id}: a header row, then one row per cells; a cell is text or a DOM node (a list of assumptions). */
function table(id, titles, rows) {
  const element = document.getElementById(id);
  element.replaceChildren();
  const head = element.insertRow();
  for (const title of titles) {
    const th = document.createElement('th');
    th.textContent = title;
    head.appendChild(th);
  }
  for (const cells of rows) {
    const row = element.insertRow();
    cells.forEach((text, i) => {
      const cell = row.insertCell();
      if (text instanceof Node) {
        cell.appendChild(text);
        return;
      }
      cell.textContent = text;
      if (i > 0 && /^[-−0-9.]/.test(text)) cell.className = 'num';
      if (text === 'unrated') cell.classList.add('unrated');
    });
  }
}

function stars(rating) {
  return rating ? '★'.repeat(rating.stars) + '☆'.repeat(5 - rating.stars) : '–';
}

async function showRanking(params) {
  const ranking = await api('/api/reports/ranking?' + params);
  const rows = ranking.models.map(m => [m.provider + '/' + m.model, display(m.kwh_per_1k_output_tokens, m.band),
    display(m.kwh_per_1k_requests, m.band), stars(m.stars), m.band, String(m.rated_calls)]);
  for (const u of ranking.unrated) rows.push([u.provider + '/' + u.model, 'unrated', 'unrated', '–', '–', '0 of ' + u.calls]);
  table('ranking', ['model', 'kWh / 1k output tokens', 'kWh / 1k requests', 'AI Energy Score', 'band', 'rated calls'], rows);
}

async function showBudgets() {
  const status = await api('/api/budgets/status');
  setText('budgets-empty', status.budgets.length ? '' : 'No budgets are set for this scope. `jouletrace budget set` or '
    + 'PUT /api/budgets/{name} sets one (docs/server.md); its spending and state then show here.');
  document.getElementById('budgets').hidden = !status.budgets.length;
  table('budgets', ['budget', 'scope', 'mode', 'spent', 'limit', 'projected', 'state'], status.budgets.map(s => [
    s.budget.name, s.budget.scope + ' ' + s.budget.scope_value, s.budget.mode, display(s.spent, s.band || 'medium') + ' ' + s.unit,
    s.budget.limit + ' ' + s.unit, s.projected === null ? '–' : display(s.projected, s.band || 'medium') + ' ' + s.unit,
    s.state + (s.crossed_at ? ' at ' + s.crossed_at : '')]));
}

/** A list element of {@code items} (a recommendation's assumptions). */
function bulletList(items) {
  const list = document.createElement('ul');
  for (const text of items || []) {
    const item = document.createElement('li');
    item.textContent = text;
    list.appendChild(item);
  }
  return list;
}

function modelName(provider, model) {
  return provider + '/' + model;
}

const TOP_RECOMMENDATIONS = 10;

/** The ten recommendations with the largest yearly effect (the API orders them so), each with its assumptions. */
async function showRecommendations(params) {
  const result = await api('/api/reports/recommendations?' + params);
  const top = result.recommendations.slice(0, TOP_RECOMMENDATIONS);
  table('recommendations', ['team', 'current → proposed', 'reduction', 'kgCO2e a year saved', 'assumptions'], top.map(r => {
    const share = r.reduction_share === null ? null : ranged(100 * r.reduction_share, 100 * r.reduction_share_low,
      100 * r.reduction_share_high, r.band);
    const carbon = r.annual.co2_grams_difference === null ? null : ranged(r.annual.co2_grams_difference / 1000,
      r.annual.co2_grams_difference_low / 1000, r.annual.co2_grams_difference_high / 1000, r.annual.band);
    return [r.team || '(no team)', modelName(r.provider, r.model) + ' → ' + modelName(r.proposed.provider, r.proposed.model), share ? share.value + '% (' + share.low + '–' + share.high + '%)' : 'unrated',
    carbon ? carbon.value + ' (' + carbon.low + ' – ' + carbon.high + ')' : 'unrated', bulletList(r.assumptions)];
  }));
  const more = result.recommendations.length - top.length;
  setText('recommendations-note', !result.recommendations.length ? 'No more efficient equivalent found for the models in use.'
    : 'The ' + top.length + ' largest by yearly carbon' + (more > 0 ? ' (' + more + ' more: GET /api/reports/recommendations)' : '')
      + '; over ' + (result.period ? result.period.days + ' days' : 'the range') + ', scaled to a year at the same volume.');
}

/** The models the picker offers as a baseline: those the ranking rated, most efficient first. */
async function fillBaselinePicker(params) {
  const ranking = await api('/api/reports/ranking?' + params);
  const picker = document.getElementById('baseline-model');
  const chosen = picker.value;
  picker.replaceChildren();
  for (const m of ranking.models) {
    const option = document.createElement('option');
    option.value = modelName(m.provider, m.model);
    option.textContent = option.value;
    picker.appendChild(option);
  }
  if ([...picker.options].some(o => o.value === chosen)) picker.value = chosen;
  await showBaseline(params);
}

/** Each team's use beside what the same requests would have taken on the picked model (GET /api/reports/compare). */
async function showBaseline(params) {
  const picked = document.getElementById('baseline-model').value;
  if (!picked) {
    setText('baseline-note', 'No rated model in this range to compare with.');
    return;
  }
  const slash = picked.indexOf('/');
  const query = new URLSearchParams(params);
  query.set('baseline_provider', picked.substring(0, slash));
  query.set('baseline', picked.substring(slash + 1));
  const result = await api('/api/reports/compare?' + query);
  const kwh = (amount, band) => amount.kwh === null ? 'unrated' : ranged(amount.kwh, amount.kwh_low, amount.kwh_high, band).value;
  table('baseline', ['team', 'model', 'requests', 'kWh used', 'kWh on ' + picked, 'difference'], result.lines.map(l => [
    l.team || '(no team)', modelName(l.provider, l.model), String(l.requests), kwh(l.actual, l.actual.band),
    kwh(l.baseline, l.baseline.band || l.actual.band),
    l.kwh_difference === null ? 'unrated' : ranged(l.kwh_difference, l.kwh_difference_low, l.kwh_difference_high, l.actual.band).value]));
  const unratedCalls = result.unrated.reduce((sum, u) => sum + u.calls, 0);
  setText('baseline-note', 'Compared with ' + result.compared_with + '.' + (unratedCalls ? ' ' + unratedCalls
    + ' unrated calls are left out.' : ''));
}

/** The grid intensities the range's carbon figures used (GET /api/intensities). */
async function showIntensities(params) {
  const result = await api('/api/intensities?' + params);
  table('intensities', ['zone', 'gCO2e / kWh', 'source', 'calls'], result.intensities.map(i =>
    [i.zone || '–', display(i.g_per_kwh, 'accurate'), i.source || '–', String(i.calls)]));
}

async function showMethodology() {
  const methodology = await api('/api/methodology');
  setText('methodology-version', methodology.version);
  setText('methodology-effective', methodology.effective || 'date not recorded');
}

/** Sections beyond the summary; each takes the range parameters. */
window.jouletraceExtras = [showRanking, () => showBudgets(), showRecommendations, fillBaselinePicker, showIntensities,
  () => showMethodology()];

document.addEventListener('DOMContentLoaded', () => {
  const key = document.getElementById('api-key');
  key.value = sessionStorage.getItem('jouletrace-key') || '';
  document.getElementById('controls').addEventListener('submit', event => {
    event.preventDefault();
    sessionStorage.setItem('jouletrace-key', key.value.trim());
    load();
  });
  document.getElementById('baseline-model').addEventListener('change', () => showBaseline(range()).catch(e => {
    document.getElementById('status').textContent = 'error: ' + e.message;
  }));
  document.getElementById('logout').addEventListener('click', async () => {
    sessionStorage.removeItem('jouletrace-key');
    key.value = '';
    await fetch('/api/session/logout', { method: 'POST' });
    delete document.body.dataset.loaded;
    document.getElementById('status').textContent = 'signed out';
  });
  document.getElementById('record-form').addEventListener('submit', event => {
    event.preventDefault();
    showRecord(document.getElementById('record-id').value.trim()).catch(e => {
      document.getElementById('status').textContent = 'error: ' + e.message;
    });
  });
  load(); // signed in by the session cookie or the key kept for this tab; else it says how to sign in
});
