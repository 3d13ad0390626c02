// #/retirement/<id>: a retirement, and its certificate verified in this
// browser (proof and signatures, widgets/certificate_view.js) with the key
// the reader chose or, labelled so, the one this server serves.
import {append, el, facts, route} from '../dom.js';
import {formatNumber, formatTime, t} from '../i18n.js';
import {getJson, getText} from '../net.js';
import {checkAndShow} from '../widgets/certificate_view.js';
import {keyChoice} from '../widgets/key_choice.js';

export async function render(ctx) {
  const id = ctx.params[0] || '';
  const fetchCertificate = () => getText('/api/v1/certificates/' + encodeURIComponent(id));
  // The certificate is asked for at once, beside the retirement and the key.
  let certificate = fetchCertificate();
  certificate.catch(() => {});
  const [r, status] = await Promise.all([
    getJson('retirements/' + encodeURIComponent(id)),
    getJson('status').catch(() => null),
  ]);
  if (ctx.stale()) return;
  ctx.title(t('retirement.title', {id: r.retirement_id}));
  const keys = keyChoice(status ? status.verifier_key : '');
  const outcome = el('div', {class: 'outcome'});
  const verify = async () => {
    button.disabled = true;
    outcome.replaceChildren(el('p', {class: 'loading'}, t('retirement.verifying')));
    // Marks for the benchmark (tests/bench/explorer_bench.py): from here to
    // the outcome on screen.
    performance.mark('creg-verify-start');
    try {
      const text = await certificate.catch((e) => {
        certificate = fetchCertificate();
        throw e;
      });
      outcome.replaceChildren(await checkAndShow(text, keys.current()));
      performance.mark('creg-verified');
    } catch (e) {
      outcome.replaceChildren(el('p', {class: 'error'}, t('error.api', {status: e.status ?? '', message: e.message})));
    } finally {
      button.disabled = false;
    }
  };
  const button = el('button', {type: 'button', class: 'primary', id: 'verify-button', on: {click: verify}},
    t('retirement.verify'));
  // Verify at once, while the page is built: the page answers the question
  // it is opened for.
  const verified = verify();
  const download = el('a', {href: '/api/v1/certificates/' + encodeURIComponent(id),
    download: `${r.retirement_id}-certificate.json`}, t('retirement.download'));
  append(ctx.main,
    el('h1', {}, t('retirement.title', {id: r.retirement_id})),
    facts([
      [t('result.beneficiary'), el('strong', {id: 'beneficiary'}, r.beneficiary)],
      [t('result.quantity'), t('result.tonnes', {n: formatNumber(r.quantity)})],
      [t('result.account'), r.account],
      [t('retirement.reason'), reasonText(r.reason)],
      [t('retirement.details'), r.details || null],
      [t('result.country'), r.country_of_use || t('result.none')],
      [t('result.claim'), r.claim_reference || t('result.none')],
      [t('result.retiredAt'), formatTime(r.retired_at)],
      [t('result.entry'), formatNumber(r.entry_index)],
      [t('result.serials'), el('ul', {class: 'serials'}, r.serials.map((s) => el('li', {}, el('code', {}, s))))],
      [t('retirement.batches'), el('span', {}, [...new Set(r.blocks.map((b) => b.batch))].map((b, i) =>
        [i ? ', ' : '', el('a', {href: route('batch', b)}, t('batch.title', {n: b}))]))],
    ]),
    el('h2', {}, t('retirement.proofTitle')),
    el('p', {}, t('retirement.proofIntro')),
    keys.element, el('p', {}, button, ' ', download), outcome);
  await verified;
}

export function reasonText(reason) {
  const key = 'reason.' + reason;
  const text = t(key);
  return text === key ? reason : text;
}
