// A small SVG chart of issuance, retirement and cancellation over time:
// cumulative totals per UTC day (status.timeline), one line each.
import {el, svg} from '../dom.js';
import {formatDate, formatNumber, t} from '../i18n.js';

const W = 720;
const H = 220;
const PAD = {left: 64, right: 16, top: 12, bottom: 28};
const SERIES = ['issued', 'retired', 'cancelled'];

export function timelineChart(timeline) {
  if (!timeline || timeline.length === 0) return el('p', {class: 'note'}, t('chart.empty'));
  const rows = [];
  const total = {issued: 0, retired: 0, cancelled: 0};
  for (const day of timeline) {
    for (const s of SERIES) total[s] += day[s] || 0;
    rows.push({date: day.date, ...total});
  }
  const dates = rows.map((r) => Date.parse(r.date + 'T00:00:00Z'));
  const first = dates[0];
  const last = Math.max(dates[dates.length - 1], first + 86400000);
  const top = Math.max(1, ...rows.map((r) => r.issued), ...rows.map((r) => r.retired));
  const x = (d) => PAD.left + ((d - first) / (last - first)) * (W - PAD.left - PAD.right);
  const y = (v) => H - PAD.bottom - (v / top) * (H - PAD.top - PAD.bottom);
  const chart = svg('svg', {viewBox: `0 0 ${W} ${H}`, class: 'chart', id: 'timeline-chart',
    role: 'img', 'aria-label': t('chart.label')});
  chart.append(svg('title', {}, t('chart.label')));
  for (const v of [0, top / 2, top]) {
    chart.append(svg('line', {x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'grid'}),
      svg('text', {x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis'},
        formatNumber(Math.round(v))));
  }
  chart.append(
    svg('text', {x: PAD.left, y: H - 8, class: 'axis'}, formatDate(rows[0].date)),
    svg('text', {x: W - PAD.right, y: H - 8, 'text-anchor': 'end', class: 'axis'},
      formatDate(rows[rows.length - 1].date)));
  for (const s of SERIES) {
    // A step line: the total holds until the next day with activity, and
    // runs on to the chart's end.
    let d = `M${x(dates[0]).toFixed(1)} ${y(0).toFixed(1)}`;
    rows.forEach((r, i) => {
      d += ` H${x(dates[i]).toFixed(1)} V${y(r[s]).toFixed(1)}`;
    });
    d += ` H${x(last).toFixed(1)}`;
    chart.append(svg('path', {d, class: 'series ' + s}));
  }
  const legend = el('p', {class: 'legend'}, SERIES.map((s) =>
    el('span', {class: 'key series-' + s}, t('chart.' + s, {n: formatNumber(total[s])}))));
  return el('figure', {class: 'chart-box'}, chart, legend);
}
