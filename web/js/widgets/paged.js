// A listing read page by page: shows the first page, then a "more" button
// while the node gives a next_cursor.
import {el} from '../dom.js';
import {t} from '../i18n.js';

// paged(load, renderItem, emptyText): `load(cursor)` resolves to
// {items, next}; cursor '' is the first page. Returns the list's element
// at once and fills it as pages arrive. Errors are shown in place.
export function paged(load, renderItem, emptyText, tag = 'ul') {
  const list = el(tag, {class: 'listing'});
  const more = el('button', {type: 'button', class: 'more'}, t('list.more'));
  const status = el('p', {class: 'note'});
  const box = el('div', {class: 'paged'}, list, status);
  let shown = 0;
  const next = async (cursor) => {
    more.remove();
    status.textContent = t('page.loading');
    try {
      const page = await load(cursor);
      for (const item of page.items) list.append(renderItem(item));
      shown += page.items.length;
      status.textContent = shown === 0 && !page.next ? emptyText : '';
      if (page.next) {
        more.onclick = () => next(page.next);
        box.append(more);
      }
    } catch (e) {
      status.textContent = t('error.api', {status: e.status ?? '', message: e.message});
      status.className = 'error';
    }
  };
  box.ready = next('');
  return box;
}

// The query string of a cursor, '' for the first page.
export const cursorQuery = (cursor, sep = '?') => (cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : '');
