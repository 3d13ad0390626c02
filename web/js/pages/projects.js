// #/projects: every project, in id order.
import {append, el, route} from '../dom.js';
import {t} from '../i18n.js';
import {getJson} from '../net.js';
import {cursorQuery, paged} from '../widgets/paged.js';

export async function render(ctx) {
  ctx.title(t('projects.title'));
  const list = paged(async (cursor) => {
    const page = await getJson('projects' + cursorQuery(cursor));
    return {items: page.projects, next: page.next_cursor};
  }, (p) => el('li', {},
    el('a', {href: route('project', p.project_id)}, p.name || p.project_id), ' ',
    el('span', {class: 'note'}, `${p.project_id} · ${p.standard} · ${p.methodology} · ${p.country}`)),
  t('projects.none'));
  append(ctx.main, el('h1', {}, t('projects.title')), list);
  await list.ready;
}
