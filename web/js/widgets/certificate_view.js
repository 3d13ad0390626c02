// Checks a certificate with a chosen key and shows the outcome: what it
// proves, or which check failed and why. Everything from the certificate is
// inserted as text.
import {el, facts} from '../dom.js';
import {formatNumber, formatTime, t} from '../i18n.js';
import {toBase64} from '../verify/bytes.js';
import {CHECKS, verifyCertificate} from '../verify/certificate.js';
import {CheckError} from '../verify/check_error.js';
import {parseVerifierKey} from '../verify/note.js';

// Resolves to an element with the outcome of checking certificate `text`
// with `choice` ({text, source} from key_choice.js, or null).
export async function checkAndShow(text, choice) {
  let key = null;
  try {
    if (text === null) throw new CheckError('document', 'document.json', {detail: 'too large'});
    if (!choice) throw new CheckError('key', 'key.malformed', {detail: t('key.none')});
    key = await parseVerifierKey(choice.text);
    const verified = await verifyCertificate(text, key);
    return verifiedView(verified, key, choice.source);
  } catch (e) {
    if (!(e instanceof CheckError)) throw e;
    return refusedView(e, key, choice);
  }
}

function keyLine(key, source) {
  const name = `${key.name}+${Array.from(key.id, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  return t(source === 'server' ? 'result.keyServer' : 'result.keyPasted', {key: name});
}

function verifiedView(v, key, source) {
  const credits = el('ul', {}, v.batches.map((b) => el('li', {}, t('result.batchLine', {
    batch: b.batch, first: formatNumber(b.first), last: formatNumber(b.last),
    project: b.project, name: b.project_name, start: b.vintage_start, end: b.vintage_end}))));
  return el('section', {class: 'result verified', id: 'verify-result', 'data-outcome': 'verified'},
    el('h2', {}, '✔ ', t('result.verified')),
    el('p', {}, t('result.verifiedLine', {id: v.retirement_id, origin: v.origin})),
    facts([
      [t('result.keyUsed'), keyLine(key, source)],
      [t('result.account'), v.account],
      [t('result.beneficiary'), v.beneficiary],
      [t('result.quantity'), t('result.tonnes', {n: formatNumber(v.quantity)})],
      [t('result.purpose'), v.purpose],
      [t('result.country'), v.country_of_use || t('result.none')],
      [t('result.claim'), v.claim_reference || t('result.none')],
      [t('result.retiredAt'), formatTime(v.retired_at)],
      [t('result.entry'), formatNumber(v.entry_index)],
      [t('result.credits'), credits],
      [t('result.serials'), el('ul', {class: 'serials'}, v.serials.map((s) => el('li', {}, el('code', {}, s))))],
      [t('result.proof'), t('result.proofLine', {index: formatNumber(v.entry_index),
        size: formatNumber(v.checkpoint_size), root: toBase64(v.checkpoint_root), key: v.key_name,
        account: v.account, opened: formatNumber(v.account_opened_at), rotations: v.key_rotations})],
      [t('result.checks'), CHECKS.join(', ')],
    ]),
    el('p', {class: 'note'}, t('result.notChecked')));
}

function refusedView(e, key, choice) {
  return el('section', {class: 'result refused', id: 'verify-result', 'data-outcome': 'refused',
    'data-check': e.check},
  el('h2', {}, '✘ ', t('result.refused')),
  el('p', {class: 'why'}, t('result.refusedLine', {check: e.check, why: t('why.' + e.code, e.params)})),
  key ? facts([[t('result.keyUsed'), keyLine(key, choice.source)]]) : null);
}
