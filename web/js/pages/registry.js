// #/ : the registry: its origin and signed log size (from /checkpoint), and
// the offline certificate check.
import {append, el, facts} from '../dom.js';
import {formatNumber, t} from '../i18n.js';
import {getText} from '../net.js';
import {toBase64} from '../verify/bytes.js';
import {parseCheckpointBody} from '../verify/note.js';
import {offlineVerifier} from './verify.js';

export async function render(ctx) {
  ctx.title(t('registry.title'));
  const note = await getText('/checkpoint');
  if (ctx.stale()) return;
  const checkpoint = parseCheckpointBody(note.slice(0, note.lastIndexOf('\n\n') + 1));
  append(ctx.main,
    el('h1', {id: 'registry-origin'}, checkpoint.origin),
    facts([
      [t('registry.origin'), checkpoint.origin],
      [t('registry.size'), t('registry.entries', {count: formatNumber(checkpoint.size)})],
      [t('registry.root'), el('code', {}, toBase64(checkpoint.root))],
    ]),
    el('details', {}, el('summary', {}, t('registry.checkpoint')),
      el('p', {class: 'note'}, t('registry.checkpointNote')), el('pre', {}, note)),
    el('h2', {}, t('verify.title')),
    el('p', {}, t('verify.intro')),
    offlineVerifier());
}
