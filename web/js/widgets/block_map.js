// A picture of a batch's serial range: one bar from serial 1 to the batch's
// quantity, each block coloured by its status. Zoom with the buttons or
// the mouse wheel, drag to pan, click a block for its details.
import {el, route, svg} from '../dom.js';
import {formatNumber, t} from '../i18n.js';

const WIDTH = 900;
const HEIGHT = 64;

// blockMap(quantity) -> {element, add(blocks)}: add() takes blocks as the
// API gives them ({first, last, quantity, owner, status, retirement_id}).
export function blockMap(quantity) {
  const blocks = [];
  let lo = 1;
  let hi = quantity;
  const picture = svg('svg', {viewBox: `0 0 ${WIDTH} ${HEIGHT + 22}`, class: 'block-map',
    id: 'block-map', role: 'img', 'aria-label': t('batch.mapLabel')});
  const detail = el('p', {class: 'block-detail', id: 'block-detail'}, t('batch.clickBlock'));
  const range = el('span', {class: 'note', id: 'block-range'});

  const x = (serial) => ((serial - lo) / (hi - lo + 1)) * WIDTH;
  const draw = () => {
    picture.replaceChildren(svg('rect', {x: 0, y: 0, width: WIDTH, height: HEIGHT, class: 'unloaded'}));
    for (const b of blocks) {
      if (b.last < lo || b.first > hi) continue;
      const left = x(Math.max(b.first, lo));
      const right = x(Math.min(b.last, hi) + 1);
      const rect = svg('rect', {x: left, y: 0, width: Math.max(right - left, 0.8), height: HEIGHT,
        class: 'block status-' + b.status, 'data-first': b.first},
      svg('title', {}, `${formatNumber(b.first)}–${formatNumber(b.last)}: ${statusText(b.status)}`));
      rect.addEventListener('click', () => show(b));
      picture.append(rect);
    }
    for (const [serial, anchor] of [[lo, 'start'], [Math.round((lo + hi) / 2), 'middle'], [hi, 'end']]) {
      const at = anchor === 'start' ? 0 : anchor === 'end' ? WIDTH : x(serial);
      picture.append(svg('text', {x: at, y: HEIGHT + 16, 'text-anchor': anchor, class: 'axis'},
        formatNumber(serial)));
    }
    range.textContent = t('batch.showing', {lo: formatNumber(lo), hi: formatNumber(hi),
      total: formatNumber(quantity)});
  };
  const show = (b) => {
    detail.replaceChildren(
      el('strong', {}, `${formatNumber(b.first)}–${formatNumber(b.last)}`), ' ',
      t('batch.blockLine', {quantity: formatNumber(b.quantity), status: statusText(b.status)}), ' ',
      b.owner ? t('batch.owner', {owner: b.owner}) : '', ' ',
      b.retirement_id ? el('a', {href: route('retirement', b.retirement_id)}, b.retirement_id) : '');
  };
  // Zooms by `factor` keeping serial `at` where it is.
  const zoom = (factor, at = (lo + hi) / 2) => {
    const span = Math.min(quantity, Math.max(1, Math.round((hi - lo + 1) * factor)));
    const share = (at - lo) / (hi - lo + 1);
    lo = Math.round(at - share * span);
    lo = Math.max(1, Math.min(lo, quantity - span + 1));
    hi = lo + span - 1;
    draw();
  };
  picture.addEventListener('wheel', (e) => {
    e.preventDefault();
    const box = picture.getBoundingClientRect();
    zoom(e.deltaY < 0 ? 0.5 : 2, lo + ((e.clientX - box.left) / box.width) * (hi - lo + 1));
  }, {passive: false});
  let dragFrom = null;
  picture.addEventListener('pointerdown', (e) => {
    dragFrom = {x: e.clientX, lo};
  });
  picture.addEventListener('pointerup', () => {
    dragFrom = null;
  });
  picture.addEventListener('pointermove', (e) => {
    if (!dragFrom || hi - lo + 1 >= quantity) return;
    const span = hi - lo + 1;
    const moved = Math.round(((dragFrom.x - e.clientX) / picture.getBoundingClientRect().width) * span);
    lo = Math.max(1, Math.min(dragFrom.lo + moved, quantity - span + 1));
    hi = lo + span - 1;
    draw();
  });
  const button = (label, id, action) =>
    el('button', {type: 'button', id, on: {click: action}}, label);
  const controls = el('div', {class: 'map-controls'},
    button(t('batch.zoomIn'), 'zoom-in', () => zoom(0.5)),
    button(t('batch.zoomOut'), 'zoom-out', () => zoom(2)),
    button(t('batch.zoomReset'), 'zoom-reset', () => {
      lo = 1;
      hi = quantity;
      draw();
    }), ' ', range);
  const legend = el('p', {class: 'legend'}, ['active', 'retired', 'cancelled'].map((s) =>
    el('span', {class: 'key status-' + s}, statusText(s))));
  draw();
  return {
    element: el('div', {class: 'block-map-box'}, controls, picture, legend, detail),
    add(more) {
      blocks.push(...more);
      draw();
    },
  };
}

export function statusText(status) {
  const key = 'status.' + status;
  const text = t(key);
  return text === key ? status : text;
}
