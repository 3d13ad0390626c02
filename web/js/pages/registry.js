// #/ : the registry: origin, signed log size and root (/checkpoint), the
// verifier key, totals and the timeline chart (/api/v1/status), and the
// offline certificate check.
import {append, el, facts} from '../dom.js';
import {formatNumber, t} from '../i18n.js';
import {getJson, getText} from '../net.js';
import {toBase64} from '../verify/bytes.js';
import {parseCheckpointBody} from '../verify/note.js';
import {timelineChart} from '../widgets/chart.js';
import {offlineVerifier} from './verify.js';

export async function render(ctx) {
  ctx.title(t('registry.title'));
  const [note, status] = await Promise.all([getText('/checkpoint'),
    getJson('status').catch((e) => e)]);
  if (ctx.stale()) return;
  const checkpoint = parseCheckpointBody(note.slice(0, note.lastIndexOf('\n\n') + 1));
  const ok = !(status instanceof Error);
  const totals = ok ? status.totals : null;
  append(ctx.main,
    el('h1', {id: 'registry-origin'}, checkpoint.origin),
    facts([
      [t('registry.origin'), checkpoint.origin],
      [t('registry.size'), t('registry.entries', {count: formatNumber(checkpoint.size)})],
      [t('registry.root'), el('code', {}, toBase64(checkpoint.root))],
      [t('registry.verifierKey'), ok ? el('code', {id: 'verifier-key-served'}, status.verifier_key) : null],
      [t('registry.readPolicy'), ok ? status.read_policy : null],
      [t('registry.version'), ok ? status.version : null],
    ]),
    ok ? null : el('p', {class: 'error'}, t('error.api', {status: status.status ?? '', message: status.message})),
    totals ? el('div', {class: 'totals', id: 'totals'},
      ['issued', 'retired', 'cancelled'].map((k) => el('div', {class: 'total ' + k},
        el('span', {class: 'figure'}, formatNumber(totals[k])), el('span', {}, t('registry.' + k)))),
      el('div', {class: 'total'}, el('span', {class: 'figure'}, formatNumber(totals.projects)),
        el('span', {}, t('registry.projects'))),
      el('div', {class: 'total'}, el('span', {class: 'figure'}, formatNumber(totals.retirements)),
        el('span', {}, t('registry.retirements')))) : null,
    ok ? el('h2', {}, t('chart.title')) : null,
    ok ? timelineChart(status.timeline) : null,
    el('details', {}, el('summary', {}, t('registry.checkpoint')),
      el('p', {class: 'note'}, t('registry.checkpointNote')), el('pre', {}, note)),
    el('h2', {}, t('verify.title')),
    el('p', {}, t('verify.intro')),
    offlineVerifier(ok ? status.verifier_key : ''));
}
