// #/batch/<n>: a batch, its project, and the picture of its serial range.
import {append, el, facts, route} from '../dom.js';
import {formatDate, formatNumber, formatTime, t} from '../i18n.js';
import {getJson} from '../net.js';
import {blockMap} from '../widgets/block_map.js';
import {cursorQuery} from '../widgets/paged.js';

export async function render(ctx) {
  const n = ctx.params[0] || '';
  const b = await getJson('batches/' + encodeURIComponent(n));
  if (ctx.stale()) return;
  ctx.title(t('batch.title', {n: b.batch}));
  append(ctx.main,
    el('h1', {}, t('batch.title', {n: b.batch})),
    facts([
      [t('batch.project'), el('a', {href: route('project', b.project.project_id)},
        b.project.name || b.project.project_id)],
      [t('batch.vintage'), `${formatDate(b.vintage_start)} – ${formatDate(b.vintage_end)}`],
      [t('result.quantity'), t('result.tonnes', {n: formatNumber(b.quantity)})],
      [t('batch.issuedTo'), b.issued_to],
      [t('batch.verificationRef'), b.verification_ref],
      [t('batch.issuedAt'), `${formatTime(b.issued_at)} (${t('common.entry', {n: formatNumber(b.issued_at_entry)})})`],
    ]),
    el('h2', {}, t('batch.serials')));
  if (b.blocks_hidden || !b.blocks) {
    append(ctx.main, el('p', {class: 'note', id: 'blocks-hidden'}, t('batch.hidden')));
    return;
  }
  const map = blockMap(b.quantity);
  append(ctx.main, map.element);
  map.add(b.blocks);
  let next = b.next_cursor;
  const more = el('button', {type: 'button', class: 'more'}, t('batch.moreBlocks'));
  more.addEventListener('click', async () => {
    const page = await getJson(`batches/${encodeURIComponent(n)}${cursorQuery(next)}`);
    map.add(page.blocks || []);
    next = page.next_cursor;
    if (!next) more.remove();
  });
  if (next) append(ctx.main, more);
}
