// A drop zone for a certificate file: read in the browser (FileReader),
// never uploaded. Calls onText(text, fileName) for the dropped or chosen file.
import {el} from '../dom.js';
import {t} from '../i18n.js';

// Certificates are small (the node caps them at 3 MiB); refuse bigger files
// before reading them.
const MAX_BYTES = 4 * 1024 * 1024;

export function dropZone(onText) {
  const input = el('input', {type: 'file', id: 'certificate-file', accept: '.json,application/json',
    class: 'visually-hidden'});
  const zone = el('div', {class: 'drop-zone', id: 'drop-zone', tabindex: '0'},
    el('p', {}, t('drop.prompt')),
    el('label', {for: 'certificate-file', class: 'button'}, t('drop.choose')), input);
  const take = async (file) => {
    if (!file) return;
    if (file.size > MAX_BYTES) {
      onText(null, file.name);
      return;
    }
    onText(await file.text(), file.name);
  };
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    take(e.dataTransfer && e.dataTransfer.files[0]);
  });
  input.addEventListener('change', () => take(input.files[0]));
  return zone;
}
