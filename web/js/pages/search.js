// #/search[/beneficiary|account/<name>]: retirements on behalf of a
// beneficiary, or by an account, newest first.
import {append, el, route} from '../dom.js';
import {formatNumber, formatTime, t} from '../i18n.js';
import {getJson} from '../net.js';
import {cursorQuery, paged} from '../widgets/paged.js';

export function retirementItem(r) {
  return el('li', {},
    el('a', {href: route('retirement', r.retirement_id)}, r.retirement_id), ' ',
    el('span', {}, t('search.line', {quantity: formatNumber(r.quantity)})), ' ',
    el('span', {class: 'beneficiary'}, r.beneficiary), ' ',
    el('span', {class: 'note'}, `${r.account} · ${formatTime(r.retired_at)}`));
}

export async function render(ctx) {
  const [by = 'beneficiary', value = ''] = ctx.params;
  const field = by === 'account' ? 'account' : 'beneficiary';
  ctx.title(t('search.title'));
  const input = el('input', {type: 'search', id: 'search-text', value, required: true,
    placeholder: t('search.placeholder')});
  const kind = el('select', {id: 'search-by'},
    el('option', {value: 'beneficiary', selected: field === 'beneficiary'}, t('search.byBeneficiary')),
    el('option', {value: 'account', selected: field === 'account'}, t('search.byAccount')));
  const form = el('form', {class: 'search', role: 'search'}, kind, input,
    el('button', {type: 'submit', class: 'primary'}, t('search.go')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = route('search', kind.value, input.value.trim());
  });
  append(ctx.main, el('h1', {}, t('search.title')), form);
  if (!value) return;
  const list = paged(async (cursor) => {
    const page = await getJson(`retirements?${field}=${encodeURIComponent(value)}${cursorQuery(cursor, '&')}`);
    return {items: page.retirements, next: page.next_cursor};
  }, retirementItem, t('search.none'));
  list.id = 'search-results';
  append(ctx.main, el('h2', {}, t('search.results', {value})), list);
  await list.ready;
}
