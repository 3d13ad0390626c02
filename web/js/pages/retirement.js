// #/retirement/<id>: a retirement (with its use, using entity, and the
// labels and Article 6 authorisation its credits carried when retired), and
// its certificate verified in this browser (proof and signatures,
// widgets/certificate_view.js) with the key the reader chose or, labelled
// so, the one this server serves.
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
      [t('retirement.reason'), nameText('reason', r.reason)],
      [t('retirement.details'), r.details || null],
      [t('retirement.use'), r.use ? el('span', {id: 'use'}, nameText('use', r.use)) : null],
      [t('retirement.usingEntity'), r.using_entity ? el('span', {id: 'using-entity'}, r.using_entity) : null],
      [t('retirement.labels'), runList('labels', r.labelled, (run) =>
        t('retirement.labelsLine', {serials: runText(run), labels: run.labels.join(', ')}))],
      [t('retirement.article6'), runList('article6', r.authorised, authorisedLine)],
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

// The catalogue's text for a name creg gives a value (a reason, a use, an
// adjustment status, ...), or the name itself when the catalogue has none.
function nameText(kind, name) {
  const key = kind + '.' + name;
  const text = t(key);
  return text === key ? name : text;
}

// A run of credits {batch, first, last} in creg's serial notation: 1:201-210.
function runText(run) {
  return `${run.batch}:${run.first}` + (run.last === run.first ? '' : `-${run.last}`);
}

// The runs (absent from an older node's answer, or empty) as a list with
// one line each; null when there are none.
function runList(id, runs, line) {
  if (!Array.isArray(runs) || runs.length === 0) return null;
  return el('ul', {id}, runs.map((run) => el('li', {}, line(run))));
}

function authorisedLine(run) {
  const a = run.article6;
  const auth = a.authorization;
  const adjustment = nameText('adjustment', a.adjustment) +
    (a.adjustment_reference ? ` (${a.adjustment_reference})` : '');
  return t('retirement.authorisedLine', {serials: runText(run), party: auth.party,
    uses: auth.uses.map((u) => nameText('authorisedUse', u)).join(', '),
    reference: auth.reference, date: auth.date,
    firstTransfer: nameText('firstTransfer', auth.first_transfer), adjustment});
}
