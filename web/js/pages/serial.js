// #/serial[/<serial>]: which block holds a serial ("1:7" or a serial
// string), its status and holder.
import {append, el, facts, route} from '../dom.js';
import {formatNumber, t} from '../i18n.js';
import {getJson} from '../net.js';
import {statusText} from '../widgets/block_map.js';

export async function render(ctx) {
  const value = ctx.params[0] || '';
  ctx.title(t('serial.title'));
  const input = el('input', {type: 'search', id: 'serial-text', value, required: true,
    placeholder: t('serial.placeholder')});
  const form = el('form', {class: 'search', role: 'search'}, input,
    el('button', {type: 'submit', class: 'primary'}, t('search.go')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = route('serial', input.value.trim());
  });
  append(ctx.main, el('h1', {}, t('serial.title')), el('p', {class: 'note'}, t('serial.intro')), form);
  if (!value) return;
  const s = await getJson('serials/' + encodeURIComponent(value));
  if (ctx.stale()) return;
  const b = s.block;
  append(ctx.main, el('h2', {}, s.serial), facts([
    [t('serial.batch'), el('a', {href: route('batch', s.batch)}, t('batch.title', {n: s.batch}))],
    [t('serial.number'), formatNumber(s.serial_number)],
    [t('serial.block'), `${formatNumber(b.first)}–${formatNumber(b.last)} (${t('result.tonnes', {n: formatNumber(b.quantity)})})`],
    [t('serial.status'), statusText(b.status)],
    [t('serial.owner'), b.owner || null],
    [t('serial.retirement'), b.retirement_id ? el('a', {href: route('retirement', b.retirement_id)}, b.retirement_id) : null],
    [t('serial.changedAt'), t('common.entry', {n: formatNumber(b.changed_at_entry)})],
  ]));
}
