// The jouletrace dashboard: reads the REST API with the key the user gives and draws what it returns.
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

async function api(path) {
  const key = document.getElementById('api-key').value.trim();
  const response = await fetch(path, { headers: { Authorization: 'Bearer ' + key } });
  const body = await response.json();
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
  const unrated = series.points.filter(p => p[field] === null).map(p => p.key + ' ' + p.bucket.substring(0, 10));
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
  document.getElementById(canvasId + '-unrated').textContent = unrated.length === 0 ? ''
    : 'unrated (no figure, not plotted): ' + unrated.join(', ');
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
    ['null reasons', f.null_reasons || '–'],
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
  try {
    const params = range();
    const summaryParams = new URLSearchParams(params);
    summaryParams.set('by', 'team');
    const summary = await api('/api/energy/summary?' + summaryParams);
    showTotals(summary);
    showBreakdown('by-team', summary.by_team);
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
    status.textContent = 'error: ' + e.message;
  }
}

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
      cell.textContent = text;
      if (i > 0 && /^[-0-9.]/.test(text)) cell.className = 'num';
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
  table('budgets', ['budget', 'scope', 'mode', 'spent', 'limit', 'projected', 'state'], status.budgets.map(s => [
    s.budget.name, s.budget.scope + ' ' + s.budget.scope_value, s.budget.mode, display(s.spent, s.band || 'medium') + ' ' + s.unit,
    s.budget.limit + ' ' + s.unit, s.projected === null ? '–' : display(s.projected, s.band || 'medium') + ' ' + s.unit,
    s.state + (s.crossed_at ? ' at ' + s.crossed_at : '')]));
}

async function showRecommendations(params) {
  const result = await api('/api/reports/recommendations?' + params);
  const list = document.getElementById('recommendations');
  list.replaceChildren();
  for (const r of result.recommendations) {
    const item = document.createElement('li');
    item.textContent = r.statement + ' (' + display(r.annual.co2_grams_difference / 1000, r.annual.band)
      + ' kgCO2e a year at its volume; stars ' + stars(r.current.stars) + ' → ' + stars(r.proposed.stars) + ')';
    list.appendChild(item);
  }
  if (!result.recommendations.length) list.textContent = 'No more efficient equivalent found for the models in use.';
}

/** Sections beyond the summary; each takes the range parameters. */
window.jouletraceExtras = [showRanking, () => showBudgets(), showRecommendations];

document.addEventListener('DOMContentLoaded', () => {
  const key = document.getElementById('api-key');
  key.value = sessionStorage.getItem('jouletrace-key') || '';
  document.getElementById('controls').addEventListener('submit', event => {
    event.preventDefault();
    sessionStorage.setItem('jouletrace-key', key.value.trim());
    load();
  });
  document.getElementById('record-form').addEventListener('submit', event => {
    event.preventDefault();
    showRecord(document.getElementById('record-id').value.trim()).catch(e => {
      document.getElementById('status').textContent = 'error: ' + e.message;
    });
  });
  if (key.value) load();
});
