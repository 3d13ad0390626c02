// #/verify: check a certificate file offline. The file is read in the
// browser and checked against the key the reader chose; nothing is sent.
import {append, el} from '../dom.js';
import {t} from '../i18n.js';
import {checkAndShow} from '../widgets/certificate_view.js';
import {dropZone} from '../widgets/drop_zone.js';
import {keyChoice} from '../widgets/key_choice.js';

// The offline check: a key choice, a drop zone, and where the outcome goes.
// `serverKey`: the key this server serves, if the page already has it.
export function offlineVerifier(serverKey = '') {
  const keys = keyChoice(serverKey);
  const outcome = el('div', {class: 'outcome'});
  const zone = dropZone(async (text, name) => {
    outcome.replaceChildren(el('p', {class: 'loading'}, t('drop.reading', {name})));
    outcome.replaceChildren(await checkAndShow(text, keys.current()));
  });
  return el('div', {class: 'offline-verifier'}, keys.element, zone, outcome);
}

export async function render(ctx) {
  ctx.title(t('verify.title'));
  append(ctx.main, el('h1', {}, t('verify.title')), el('p', {}, t('verify.intro')),
    el('p', {class: 'note'}, t('verify.offline')), offlineVerifier());
}
