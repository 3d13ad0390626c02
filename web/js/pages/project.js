// #/project/<id>: a project and its batches.
import {append, el, facts, route} from '../dom.js';
import {formatDate, formatNumber, t} from '../i18n.js';
import {getJson} from '../net.js';
import {cursorQuery, paged} from '../widgets/paged.js';

export async function render(ctx) {
  const id = ctx.params[0] || '';
  const p = await getJson('projects/' + encodeURIComponent(id));
  if (ctx.stale()) return;
  ctx.title(p.name || p.project_id);
  const batches = paged(async (cursor) => {
    const page = await getJson(`projects/${encodeURIComponent(id)}/batches${cursorQuery(cursor)}`);
    return {items: page.batches, next: page.next_cursor};
  }, (b) => el('li', {},
    el('a', {href: route('batch', b.batch)}, t('batch.title', {n: b.batch})), ' ',
    el('span', {class: 'note'}, t('project.batchLine', {quantity: formatNumber(b.quantity),
      start: formatDate(b.vintage_start), end: formatDate(b.vintage_end)}))),
  t('project.noBatches'));
  append(ctx.main,
    el('h1', {}, p.name || p.project_id),
    facts([
      [t('project.id'), el('code', {}, p.project_id)],
      [t('project.standard'), p.standard],
      [t('project.methodology'), p.methodology],
      [t('project.country'), p.country],
      [t('project.proponent'), p.proponent],
      [t('project.registeredAt'), t('common.entry', {n: formatNumber(p.registered_at_entry)})],
    ]),
    el('h2', {}, t('project.batches')), batches);
  await batches.ready;
}
