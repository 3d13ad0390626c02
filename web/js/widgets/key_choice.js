// The verifier key a check uses, and where it came from: pasted by the
// reader (kept in this browser), or served by this same server (labelled so:
// it proves only that the certificate matches what this server signs).
import {el} from '../dom.js';
import {t} from '../i18n.js';

const STORAGE = 'creg.verifier-key';

function kept() {
  try {
    return localStorage.getItem(STORAGE) || '';
  } catch {
    return '';
  }
}

// keyChoice(serverKey) -> {element, current()}: current() is
// {text, source: 'pasted' | 'server'} or null when there is no key.
// `serverKey` is the key this server serves, or '' if none is known.
export function keyChoice(serverKey = '') {
  const input = el('input', {type: 'text', id: 'verifier-key', class: 'key-input',
    spellcheck: 'false', autocomplete: 'off', placeholder: t('key.placeholder')});
  input.value = kept();
  const label = el('p', {class: 'key-source', id: 'key-source'});
  const useServer = serverKey
    ? el('button', {type: 'button', class: 'link-button', id: 'use-server-key'}, t('key.useServer'))
    : null;

  const current = () => {
    const pasted = input.value.trim();
    if (pasted) return {text: pasted, source: 'pasted'};
    return serverKey ? {text: serverKey, source: 'server'} : null;
  };
  const show = () => {
    const choice = current();
    label.className = 'key-source ' + (choice ? choice.source : 'none');
    label.textContent = !choice ? t('key.none')
      : choice.source === 'server' ? t('key.server')
      : serverKey && choice.text === serverKey ? t('key.pastedSame') : t('key.pasted');
  };
  input.addEventListener('input', () => {
    try {
      if (input.value.trim()) {
        localStorage.setItem(STORAGE, input.value.trim());
      } else {
        localStorage.removeItem(STORAGE);
      }
    } catch {
      // Not kept; it still applies on this page.
    }
    show();
  });
  if (useServer) {
    useServer.addEventListener('click', () => {
      input.value = '';
      input.dispatchEvent(new Event('input'));
    });
  }
  show();
  const element = el('div', {class: 'key-choice'},
    el('label', {for: 'verifier-key'}, t('key.label')), input, label, useServer);
  return {element, current};
}
